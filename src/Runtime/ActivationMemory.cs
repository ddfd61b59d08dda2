using System;

namespace Ibex.Runtime
{
    /// <summary>How many examples a forward pass without gradients can take at once within a memory budget.</summary>
    internal static class ActivationMemory
    {
        /// <summary>The activation budget of evaluation and prediction unless set otherwise: 1 GiB.</summary>
        public const long DefaultBudgetBytes = 1L << 30;

        /// <summary>The number of examples, 1 … 65,536, whose activations fit <paramref name="budgetBytes"/>.</summary>
        public static long ExamplesWithin(NetworkDescription description, long budgetBytes)
            => Math.Clamp(budgetBytes / BytesPerExample(description), 1, 1 << 16);

        /// <summary>
        /// An upper estimate of one example's activations in a forward pass without gradients, in bytes: every layer's
        /// output twice (the output and the input it is made from), plus the workspace its rule declares (for a convolution
        /// the unfolded input a 5 × 5 kernel would need). A dispose scope keeps every intermediate of a pass until the pass
        /// ends, so all layers count.
        /// </summary>
        public static long BytesPerExample(NetworkDescription description)
        {
            long values = description.InputFeatures;
            foreach (var layer in description.Layers)
            {
                values += 2 * layer.OutFeatures + layer.WorkspaceFeatures;
            }

            return Math.Max(1, values * sizeof(float));
        }
    }
}
