using System;
using TorchSharp.Modules;

namespace Ibex.Runtime.Training
{
    /// <summary>What changes with the step: β during its warm-up, and the learning rates under a cosine schedule.</summary>
    internal static class TrainingSchedule
    {
        /// <summary>β, ramped linearly from 0 over the warm-up epochs.</summary>
        public static double EffectiveBeta(TrainingSettings settings, double beta, long step, long batchesPerEpoch)
        {
            if (settings.BetaWarmupEpochs == 0)
            {
                return beta;
            }

            double progress = (step + 1) / (double)(settings.BetaWarmupEpochs * batchesPerEpoch);
            return beta * Math.Min(1.0, progress);
        }

        /// <summary>The learning rates of step <paramref name="step"/> of <paramref name="totalSteps"/>: constant, or annealed by a cosine.</summary>
        public static void Apply(TrainingSettings settings, OptimizerHelper optimizer, double[] baseLearningRates, long step, long totalSteps)
        {
            if (settings.Schedule == LearningRateSchedule.Constant)
            {
                return;
            }

            // Cosine annealing: lr_t = lr·½·(1 + cos(π·t/T)).
            double factor = 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
            int index = 0;
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = baseLearningRates[index++] * factor;
            }
        }
    }
}
