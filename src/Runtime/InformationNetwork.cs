using System.Collections.Generic;
using Ibex.Runtime.Native;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime
{
    /// <summary>
    /// The base of every generated network. In training mode <c>forward</c> returns the class scores and the information
    /// term in nats from the same pass: Ĩ(w;D) plus the batch-mean KL of any Information Dropout layers. Training minimizes
    /// <c>mean cross-entropy + (β / N)·information</c> (Achille &amp; Soatto, JMLR 2018, eq. 3, normalized per sample). In
    /// evaluation mode it runs the mean network and returns 0 for the term, since nothing is paid; <see cref="Information"/>
    /// gives Ĩ(w;D) at any time.
    /// </summary>
    public abstract class InformationNetwork : torch.nn.Module<torch.Tensor, (torch.Tensor Logits, torch.Tensor Information)>
    {
        /// <summary>Names the module.</summary>
        protected InformationNetwork(string name)
            : base(name)
        {
        }

        /// <summary>The declaration the generator compiled this network from.</summary>
        public abstract NetworkDescription Description { get; }

        /// <summary>
        /// The statistics the training inputs were standardized with, or null for raw inputs. The trainer sets it from the
        /// training data (<see cref="Data.Standardization.Apply"/> marks what it returns), <see cref="Persistence.NetworkFile"/>
        /// saves and loads it, and <see cref="Prediction.Predictor{TNetwork}"/> applies it to the raw examples it is given.
        /// </summary>
        /// <exception cref="System.ArgumentException">The statistics are for another number of input features.</exception>
        public InputStandardization? InputStandardization
        {
            get => inputStandardization;
            set
            {
                if (value is not null && value.Features != Description.InputFeatures)
                {
                    throw new System.ArgumentException(
                        $"{Description.Name} takes {Description.InputFeatures} input features, but the standardization is for {value.Features}.", nameof(value));
                }

                inputStandardization = value;
            }
        }

        /// <summary>
        /// The name of each class in label order, or null when the data did not name them. The trainer sets it from the
        /// training data (image folders name their classes), and <see cref="Persistence.NetworkFile"/> saves and loads it.
        /// </summary>
        /// <exception cref="System.ArgumentException">There is not one name per class, or a name is empty or repeated.</exception>
        public IReadOnlyList<string>? ClassNames
        {
            get => classNames;
            set => classNames = value is null ? null : ClassNameList.Checked(value, Description.Classes, Description.Name);
        }

        /// <summary>
        /// The temperature and prediction-set threshold fitted on held-out data after training (<c>Predictor.Calibrate</c>),
        /// or null. <see cref="Persistence.NetworkFile"/> saves and loads it; training clears it, since it no longer fits
        /// weights that changed.
        /// </summary>
        /// <exception cref="System.ArgumentException">A value of the calibration cannot be (<see cref="PredictionCalibration.Checked"/>), or
        /// its interval quantiles are not one per target of a regression network.</exception>
        public PredictionCalibration? PredictionCalibration
        {
            get => predictionCalibration;
            set => predictionCalibration = value?.CheckedFor(Description);
        }

        /// <summary>
        /// The statistics a regression network's training targets were standardized with, or null for raw targets. The
        /// trainer sets it from the training data (<see cref="Data.TargetStandardizer.Apply"/> marks what it returns),
        /// <see cref="Persistence.NetworkFile"/> saves and loads it, and <see cref="Prediction.Predictor{TNetwork}"/> gives
        /// its predictions in the targets' own units.
        /// </summary>
        /// <exception cref="System.ArgumentException">The network is no regression network, or the statistics are for another number of targets.</exception>
        public TargetStandardization? TargetStandardization
        {
            get => targetStandardization;
            set
            {
                if (value is not null && !Description.IsRegression)
                {
                    throw new System.ArgumentException(
                        $"{Description.Name} has the {Description.Likelihood} likelihood; only a Gaussian (regression) network standardizes its targets.", nameof(value));
                }

                if (value is not null && value.Targets != Description.Targets)
                {
                    throw new System.ArgumentException(
                        $"{Description.Name} predicts {Description.Targets} targets, but the target standardization is for {value.Targets}.", nameof(value));
                }

                targetStandardization = value;
            }
        }

        /// <summary>
        /// log σ² of the homoscedastic Gaussian likelihood, one per target, learned with the mean weights and saved with them
        /// (key <c>noise_log_variance</c>); null for every other likelihood. It is in neither <see cref="MeanParameters"/> nor
        /// <see cref="LogAlphaParameters"/>; the trainer steps it with ρ's learning rate.
        /// </summary>
        public Parameter? NoiseLogVariance { get; private set; }

        /// <summary>
        /// Creates and registers <see cref="NoiseLogVariance"/> at log σ² = 0 (σ = 1, the spread of standardized targets);
        /// the generated constructor of a <c>Likelihood.Gaussian</c> network calls it.
        /// </summary>
        protected void AddNoiseLogVariance(int targets, torch.Device? device)
        {
            var parameter = new Parameter(torch.zeros(targets, dtype: torch.float32, device: device));
            register_parameter("noise_log_variance", parameter);
            NoiseLogVariance = parameter;
        }

        private InputStandardization? inputStandardization;
        private TargetStandardization? targetStandardization;
        private IReadOnlyList<string>? classNames;
        private PredictionCalibration? predictionCalibration;

        /// <summary>The device of the network's parameters (the CPU for a network without any).</summary>
        public torch.Device Device
        {
            get
            {
                foreach (var parameter in parameters())
                {
                    return parameter.device;
                }

                return torch.CPU;
            }
        }

        /// <summary>Ĩ(w;D) in nats from the current ρ, without a forward pass (weights only: Information Dropout's KL depends on the input).</summary>
        public abstract torch.Tensor Information();

        /// <summary>Projects every ρ = log α back into [ρ_min, log α_max]; call after each optimizer step.</summary>
        public abstract void ClampLogAlpha();

        /// <summary>Every ρ = log α parameter of the weight noise (they usually get a larger learning rate than the mean weights).</summary>
        public abstract IReadOnlyList<Parameter> LogAlphaParameters();

        /// <summary>Every other trainable parameter: mean weights ŵ, biases, BatchNorm scales and shifts, Information Dropout's α(x) layers and priors.</summary>
        public abstract IReadOnlyList<Parameter> MeanParameters();

        /// <summary>Every stochastic weight layer's name, ρ = log α, noise family and bounds, in layer order.</summary>
        public abstract IReadOnlyList<NoisyWeights> StochasticLayers();

        /// <summary>
        /// <c>loss.backward()</c> for a training step: the same gradients, accumulated the same way, but the fused
        /// log-normal Dense layers store ŵ's and ρ's gradients directly as <c>.grad</c> where it is empty, instead of
        /// returning them for autograd to copy (one weight-sized copy fewer per parameter and step). The trainer calls it.
        /// Tensor hooks registered on those parameters do not see a gradient stored this way; use <c>loss.backward()</c>
        /// where they must. Every tenth training step also runs a gen-0 garbage collection (<see cref="NativeHeap.AfterTrainingStep"/>; <see cref="NativeHeap.CollectPeriodically"/> turns it off).
        /// </summary>
        public void Backward(torch.Tensor loss)
        {
            System.ArgumentNullException.ThrowIfNull(loss);
            using (Kernels.GradientHandover.Begin())
            {
                loss.backward();
            }

            Kernels.AutogradFunctionMemory.ReleasePending();
            NativeHeap.AfterTrainingStep();
        }

        /// <summary>
        /// One training update: <c>loss.backward()</c>, <c>optimizer.step()</c> and <see cref="ClampLogAlpha"/>, with the same
        /// result. With <see cref="Kernels.FusedAdam"/> (the trainer's Adam) on the CPU, each fused log-normal Dense layer's
        /// ŵ and ρ are updated in the same pass that finishes their gradients, and those gradients are never stored: after
        /// this call their <c>.grad</c> is empty. Use <see cref="Backward"/> and your own step where you need the gradients
        /// (clipping, logging norms); any other optimizer gets exactly that. Every tenth training step also runs a gen-0
        /// garbage collection (<see cref="NativeHeap.AfterTrainingStep"/>; <see cref="NativeHeap.CollectPeriodically"/> turns it off).
        /// </summary>
        public void BackwardAndStep(torch.Tensor loss, torch.optim.Optimizer optimizer)
        {
            System.ArgumentNullException.ThrowIfNull(loss);
            System.ArgumentNullException.ThrowIfNull(optimizer);
            var fused = optimizer as Kernels.FusedAdam;
            using (Kernels.GradientHandover.Begin(deferUpdates: fused is not null))
            {
                loss.backward();
                Kernels.AutogradFunctionMemory.ReleasePending();
                var deferred = Kernels.GradientHandover.TakeDeferred();
                if (fused is not null)
                {
                    fused.Step(deferred);
                }
                else
                {
                    optimizer.step();
                }
            }

            ClampLogAlpha();
            NativeHeap.AfterTrainingStep();
        }

        /// <summary>
        /// A training update with <paramref name="reduceGradients"/> between backward and the optimizer's step (data-parallel
        /// training sums the gradients over the ranks there): every gradient is stored as <c>.grad</c>, none deferred to a
        /// fused update, since the step must see the reduced values. A null <paramref name="loss"/> (a rank without examples)
        /// contributes zero gradients.
        /// </summary>
        internal void BackwardReduceAndStep(torch.Tensor? loss, torch.optim.Optimizer optimizer, System.Action reduceGradients)
        {
            if (loss is not null)
            {
                using (Kernels.GradientHandover.Begin())
                {
                    loss.backward();
                }

                Kernels.AutogradFunctionMemory.ReleasePending();
            }

            reduceGradients();
            optimizer.step();
            ClampLogAlpha();
            NativeHeap.AfterTrainingStep();
        }
    }
}
