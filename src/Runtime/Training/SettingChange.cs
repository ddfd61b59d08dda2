namespace Ibex.Runtime.Training
{
    /// <summary>One setting that differs between a checkpoint and the run resuming it.</summary>
    /// <param name="Name">The setting, as <see cref="TrainingSettings"/> names it (data settings as <c>Data:…</c>).</param>
    /// <param name="Checkpoint">Its value in the checkpoint ("(none)" when the checkpoint did not record it).</param>
    /// <param name="Now">Its value in this run.</param>
    public sealed record SettingChange(string Name, string Checkpoint, string Now)
    {
        /// <inheritdoc/>
        public override string ToString() => $"{Name}: checkpoint {Checkpoint}, now {Now}";
    }
}
