using System;
using System.Collections.Generic;
using Ibex.Runtime.Reports;

namespace Ibex.Runtime.Training
{
    /// <summary>What one epoch of training measured.</summary>
    /// <param name="Epoch">1-based epoch number.</param>
    /// <param name="Loss">Mean training loss, CE + (β/N)·Ĩ(w;D), over the epoch's batches.</param>
    /// <param name="CrossEntropy">Mean training cross-entropy in nats, over the epoch's (noisy) forward passes.</param>
    /// <param name="InformationPerSample">Ĩ(w;D)/N in nats per training sample, at the end of the epoch.</param>
    /// <param name="TrainAccuracy">Accuracy of the epoch's noisy training forward passes (running, not re-evaluated).</param>
    /// <param name="TestAccuracy">Accuracy of the mean network on the test set, or NaN without one.</param>
    /// <param name="Seconds">Wall-clock time of the epoch, evaluation included.</param>
    public sealed record EpochReport(
        int Epoch,
        double Loss,
        double CrossEntropy,
        double InformationPerSample,
        double TrainAccuracy,
        double TestAccuracy,
        double Seconds)
    {
        /// <summary>The learning rate of the weights' parameter group at the end of the epoch (after the schedule), NaN when not recorded.</summary>
        public double LearningRate { get; init; } = double.NaN;

        /// <summary>Training examples per second over the epoch's optimizer steps (evaluation excluded), NaN when not recorded.</summary>
        public double ExamplesPerSecond { get; init; } = double.NaN;

        /// <summary>Each stochastic layer's information and log α at the end of the epoch; empty when not recorded.</summary>
        public IReadOnlyList<LayerInformation> Layers { get; init; } = Array.Empty<LayerInformation>();
    }
}
