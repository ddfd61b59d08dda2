using System;

namespace Ibex.Runtime.Training
{
    /// <summary>The training loss became NaN or infinite.</summary>
    public sealed class TrainingDivergedException : Exception
    {
        /// <summary>Creates the exception for the epoch where the loss stopped being finite.</summary>
        public TrainingDivergedException(int epoch, double loss)
            : base($"Training diverged in epoch {epoch}: the mean loss is {loss}. Lower the learning rates, check the data for NaN or " +
                   "infinite values, or lower β.")
        {
            Epoch = epoch;
        }

        /// <summary>The 1-based epoch in which the loss stopped being finite.</summary>
        public int Epoch { get; }
    }
}
