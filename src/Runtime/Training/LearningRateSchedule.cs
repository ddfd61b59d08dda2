namespace Ibex.Runtime.Training
{
    /// <summary>How the learning rates change over a run.</summary>
    public enum LearningRateSchedule
    {
        /// <summary>The configured rates throughout.</summary>
        Constant,

        /// <summary>
        /// Cosine annealing to zero over the whole run, step by step: <c>lr_t = lr·½·(1 + cos(π·t/T))</c>
        /// (Loshchilov &amp; Hutter 2017, without restarts). Settles the noisy end of a run.
        /// </summary>
        Cosine,
    }
}
