using System.Collections.Generic;

namespace Ibex.Runtime.Training
{
    /// <summary>A stretch of a run trained with one set of settings: from its start, or from a resume that changed them.</summary>
    /// <param name="Epoch">The epoch it started in.</param>
    /// <param name="Batch">The 0-based batch it started at.</param>
    /// <param name="Settings">The settings that define the run (the fingerprint a resume is checked against).</param>
    /// <param name="Changes">What changed from the segment before (empty for the first).</param>
    public sealed record RunSegment(int Epoch, long Batch, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<SettingChange> Changes);
}
