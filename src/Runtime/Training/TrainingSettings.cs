using System;
using System.Collections.Generic;
using TorchSharp;

namespace Ibex.Runtime.Training
{
    /// <summary>How to train an information-regularized network.</summary>
    public sealed record TrainingSettings
    {
        /// <summary>Passes over the training set.</summary>
        public int Epochs { get; init; } = 10;

        /// <summary>Examples per optimizer step.</summary>
        public int BatchSize { get; init; } = 128;

        /// <summary>Adam's learning rate for the mean weights ŵ and the biases.</summary>
        public double LearningRate { get; init; } = 1e-3;

        /// <summary>
        /// Adam's learning rate for every ρ = log α. ρ lives on a log scale and must travel from its initial value to the
        /// cap within the run, so it learns faster than ŵ (a reference run used 3e-2 against 1e-3).
        /// </summary>
        public double LogAlphaLearningRate { get; init; } = 3e-2;

        /// <summary>The optimizer; both ŵ and ρ use it, each with its own learning rate.</summary>
        public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

        /// <summary>Momentum of <see cref="OptimizerKind.Sgd"/>; ignored by Adam.</summary>
        public double Momentum { get; init; } = 0.9;

        /// <summary>Epochs over which β rises linearly from 0 to its value (0: no warm-up), so that the network can fit
        /// before the information term bites.</summary>
        public int BetaWarmupEpochs { get; init; }

        /// <summary>
        /// Trains the mean network: every noise ε ≡ 1 (the network in evaluation mode), the loss cross-entropy alone (β is not
        /// applied) and log α left where it is. This is the dense baseline of a compression run, and the network a stochastic
        /// run warm-starts from (<c>TrainingRunOptions.WarmStart</c>), as Sparse Variational Dropout starts from a trained
        /// dense network (Molchanov, Ashukha &amp; Vetrov, ICML 2017, §5). Part of a checkpoint's fingerprint.
        /// </summary>
        public bool Dense { get; init; }

        /// <summary>Write a checkpoint every this many epochs (when the trainer is given somewhere to write it).</summary>
        public int CheckpointIntervalEpochs { get; init; } = 1;

        /// <summary>How both learning rates change over the run.</summary>
        public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

        /// <summary>β; null uses the network's declared <c>[InfoRegularized(beta)]</c>.</summary>
        public double? Beta { get; init; }

        /// <summary>Seeds torch's generator (weight noise) and the shuffling, so that a CPU run repeats exactly.</summary>
        public long Seed { get; init; }

        /// <summary>Examples per forward pass when evaluating.</summary>
        public int EvaluationBatchSize { get; init; } = 2000;

        /// <summary>
        /// Bytes of activations an evaluation pass may hold; batches shrink below <see cref="EvaluationBatchSize"/> to fit.
        /// Default 1 GiB, as for prediction.
        /// </summary>
        public long EvaluationMemoryBudgetBytes { get; init; } = 1L << 30;

        /// <summary>What a resume does when these settings differ from the checkpoint's (see <see cref="ResumePolicy"/>).</summary>
        public ResumePolicy Resume { get; init; } = ResumePolicy.Strict;

        /// <summary>
        /// What defines the training data besides its size (source, path, label noise…), recorded in checkpoints and
        /// compared on resume like the other settings; the hosted worker fills it from its data options.
        /// </summary>
        public IReadOnlyDictionary<string, string>? DataFingerprint { get; init; }

        /// <summary>
        /// Masks (1 kept, 0 pruned) by layer name, shaped like the layer's weight, that every optimizer step re-applies: the
        /// pruned weights stay 0 while the others fine-tune (see <see cref="Compression.NetworkPruner.ApplyMask"/>). Null
        /// (the default) trains every weight. Not part of a checkpoint's fingerprint.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public IReadOnlyDictionary<string, torch.Tensor>? WeightMasks { get; init; }

        /// <summary>
        /// The processes this run trains with, data-parallel (see <see cref="Distributed.DataParallelGroup"/>): each takes its
        /// share of every batch, and the gradients are summed over them before each step. Null, or a group of one, trains in
        /// this process alone. Its size is part of a checkpoint's fingerprint.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public Distributed.DataParallelGroup? DataParallel { get; init; }

        /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
        public void Validate()
        {
            Require(Epochs >= 1, nameof(Epochs), Epochs, "at least 1");
            Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
            Require(EvaluationBatchSize >= 1, nameof(EvaluationBatchSize), EvaluationBatchSize, "at least 1");
            Require(EvaluationMemoryBudgetBytes >= 1, nameof(EvaluationMemoryBudgetBytes), EvaluationMemoryBudgetBytes, "at least 1");
            Require(IsPositive(LearningRate), nameof(LearningRate), LearningRate, "a finite number > 0");
            Require(IsPositive(LogAlphaLearningRate), nameof(LogAlphaLearningRate), LogAlphaLearningRate, "a finite number > 0");
            Require(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "Adam or Sgd");
            Require(double.IsFinite(Momentum) && Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "in [0, 1)");
            Require(BetaWarmupEpochs >= 0, nameof(BetaWarmupEpochs), BetaWarmupEpochs, "0 or more");
            Require(CheckpointIntervalEpochs >= 1, nameof(CheckpointIntervalEpochs), CheckpointIntervalEpochs, "at least 1");
            Require(Enum.IsDefined(Schedule), nameof(Schedule), Schedule, "Constant or Cosine");
            Require(Enum.IsDefined(Resume), nameof(Resume), Resume, "Strict or AllowChanges");
            Require(Beta is null || (double.IsFinite(Beta.Value) && Beta.Value >= 0), nameof(Beta), Beta, "a finite number ≥ 0");
        }

        private static bool IsPositive(double value) => double.IsFinite(value) && value > 0;

        private static void Require(bool condition, string name, object? value, string allowed)
        {
            if (!condition)
            {
                throw new ArgumentException($"Training setting {name} = {value} is invalid: it must be {allowed}.", name);
            }
        }
    }
}
