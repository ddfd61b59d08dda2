using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Training
{
    /// <summary>Builds the optimizer of a training run, so that the trainer and benchmarks step the same way.</summary>
    public static class TrainingOptimizers
    {
        /// <summary>
        /// The optimizer the trainer uses: Adam (<see cref="Kernels.FusedAdam"/>, one pass per parameter) or SGD with
        /// momentum, over two parameter groups: every parameter other than ρ at <see cref="TrainingSettings.LearningRate"/>,
        /// and ρ = log α at <see cref="TrainingSettings.LogAlphaLearningRate"/>, with the Gaussian likelihood's learned
        /// log σ² (<see cref="InformationNetwork.NoiseLogVariance"/>), also a log-variance that must travel a few units.
        /// </summary>
        public static OptimizerHelper Create(InformationNetwork network, TrainingSettings settings)
        {
            var meanParameters = network.MeanParameters();
            var logAlphas = network.NoiseLogVariance is { } noise
                ? new List<Parameter>(network.LogAlphaParameters()) { noise }
                : network.LogAlphaParameters();
            if (settings.Optimizer == OptimizerKind.Sgd)
            {
                var groups = new List<SGD.ParamGroup> { new(meanParameters, lr: settings.LearningRate, momentum: settings.Momentum) };
                if (logAlphas.Count > 0)
                {
                    groups.Add(new SGD.ParamGroup(logAlphas, lr: settings.LogAlphaLearningRate, momentum: settings.Momentum));
                }

                return torch.optim.SGD(groups, settings.LearningRate, momentum: settings.Momentum);
            }

            var adamGroups = new List<Adam.ParamGroup> { new(meanParameters, lr: settings.LearningRate) };
            if (logAlphas.Count > 0)
            {
                adamGroups.Add(new Adam.ParamGroup(logAlphas, lr: settings.LogAlphaLearningRate));
            }

            return new Kernels.FusedAdam(adamGroups, lr: settings.LearningRate);
        }
    }
}
