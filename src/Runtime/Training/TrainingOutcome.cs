using System.Collections.Generic;

namespace Ibex.Runtime.Training
{
    /// <summary>How a call to <see cref="InformationTrainer.Fit"/> ended.</summary>
    /// <param name="Reports">Every completed epoch's report, those before a resume included.</param>
    /// <param name="Completed">True when all epochs ran; false when cancellation stopped the run.</param>
    /// <param name="StoppedAtEpoch">Where an interrupted run stopped: the epoch…</param>
    /// <param name="StoppedAtBatch">…and the 0-based batch it would have run next (a resume starts there).</param>
    public sealed record TrainingOutcome(IReadOnlyList<EpochReport> Reports, bool Completed, int StoppedAtEpoch, long StoppedAtBatch)
    {
        /// <summary>The run's segments: its start and every resume that changed settings.</summary>
        public IReadOnlyList<RunSegment> Segments { get; init; } = System.Array.Empty<RunSegment>();
    }
}
