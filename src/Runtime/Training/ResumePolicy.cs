namespace Ibex.Runtime.Training
{
    /// <summary>What a resume does when the settings differ from those the checkpoint was written with.</summary>
    public enum ResumePolicy
    {
        /// <summary>Refuse, naming every difference.</summary>
        Strict,

        /// <summary>
        /// Continue with the new values, applied for real and recorded as a new run segment. Changes to what orders the
        /// examples (N, the batch size, the seed, the data) are accepted only at an epoch boundary.
        /// </summary>
        AllowChanges,
    }
}
