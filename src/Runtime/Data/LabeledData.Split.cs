using System;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    public sealed partial class LabeledData
    {
        /// <summary>
        /// Splits off a validation set: a random <paramref name="validationFraction"/> of the examples (at least one, and at
        /// least one left to train on), chosen by <paramref name="seed"/>; both parts are new objects (copies).
        /// </summary>
        public (LabeledData Train, LabeledData Validation) Split(double validationFraction, long seed)
        {
            if (!(validationFraction > 0 && validationFraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie strictly between 0 and 1.");
            }

            if (Count < 2)
            {
                throw new ArgumentException($"{Count} example cannot be split into a training and a validation set.");
            }

            long validation = Math.Clamp((long)Math.Round(Count * validationFraction), 1, Count - 1);

            using var generator = new torch.Generator(unchecked((ulong)seed));
            using var order = torch.randperm(Count, generator: generator);
            using var validationIndex = order.narrow(0, 0, validation);
            using var trainIndex = order.narrow(0, validation, Count - validation);
            return (Pick(trainIndex), Pick(validationIndex));
        }

        private LabeledData Pick(torch.Tensor index)
            => WithFeaturesAndLabels(Features.index_select(0, index), Labels.index_select(0, index), keepOrigin: false);
    }
}
