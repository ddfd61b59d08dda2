using System;

namespace Ibex.Runtime.Training
{
    /// <summary>The training loss became NaN or infinite.</summary>
    public sealed class TrainingDivergedException : Exception
    {
        /// <summary>Creates the exception for the batch whose loss stopped being finite.</summary>
        public TrainingDivergedException(int epoch, long batch, double loss)
            : base($"Training diverged in epoch {epoch}, batch {batch}: the loss is {loss}. The weights were not updated with it, and the last " +
                   "checkpoint is intact. Check the data for NaN or infinite values, or lower the learning rates or β (to continue from the checkpoint " +
                   "with new values, resume with Resume = AllowChanges).")
        {
            Epoch = epoch;
            Batch = batch;
        }

        /// <summary>The 1-based batch within <see cref="Epoch"/> whose loss was not finite.</summary>
        public long Batch { get; }

        /// <summary>The 1-based epoch of that batch.</summary>
        public int Epoch { get; }
    }
}
