using System;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    public sealed partial class LabeledData
    {
        /// <summary>
        /// Checks that these examples fit <paramref name="network"/> before any training or evaluation: examples flat with
        /// the declared number of features or shaped as declared (a network declared flat takes examples of any shape with
        /// that many features), every feature finite, every label in [0, classes) for a classifier; for another likelihood,
        /// one target column per target, every target finite, and 0 or 1 for a multi-label network.
        /// Throws <see cref="ArgumentException"/> naming the first example at fault, or <see cref="DatasetException"/> naming
        /// the file, row and column for examples read from a file.
        /// </summary>
        /// <param name="network">The declaration to check against.</param>
        /// <param name="name">What the data is called in messages ("training data", "test data").</param>
        public void Validate(NetworkDescription network, string name = "data")
        {
            ArgumentNullException.ThrowIfNull(network);
            string declared = $"[Input({string.Join(", ", network.InputShape)})]";
            bool shaped = ExampleShape.Count > 1 && network.InputShape.Count > 1;
            if (shaped && !ExampleShape.SequenceEqual(network.InputShape.Select(d => (long)d)))
            {
                throw new ArgumentException(
                    $"The {name} has examples of shape [{string.Join(", ", ExampleShape)}], but {network.Name} is declared with {declared}; " +
                    "give the examples in the declared shape or flat, or change the declaration.", name);
            }

            if (Features.shape[1] != network.InputFeatures)
            {
                throw new ArgumentException(
                    $"The {name} has examples of shape [{string.Join(", ", ExampleShape)}] ({Features.shape[1]} features), but {network.Name} is declared with " +
                    $"{declared} ({network.InputFeatures} features); give the examples in the declared shape or flat, or change the declaration.", name);
            }

            if (Count == 0)
            {
                throw new ArgumentException($"The {name} has no examples.", name);
            }

            if (network.Likelihood != Dsl.Likelihood.Categorical)
            {
                ValidateTargets(network, name);
            }
            else if (TargetCount > 0)
            {
                throw new ArgumentException(
                    $"The {name} has real-valued targets ({TargetCount} per example), but {network.Name} is a classifier (Likelihood.Categorical), which needs class indices " +
                    $"0 … {network.Classes - 1}: give integer labels [N], or declare [InfoRegularized(…, Likelihood = Likelihood.Gaussian)] for regression " +
                    "or Likelihood.Bernoulli for multi-label data.", name);
            }
            else
            {
                using var outOfRange = Labels.lt(0).logical_or_(Labels.ge(network.Classes));
                if (outOfRange.any().item<bool>())
                {
                    using var at = outOfRange.nonzero();
                    long example = at[0, 0].item<long>();
                    if (Origin is { } file)
                    {
                        throw new DatasetException(file.Path,
                            $"{file.Row(example)}, column '{file.LabelColumn}': label {Labels[example].item<long>()} is no class of {network.Name}, which produces " +
                            $"{network.Classes} class scores: labels must lie in 0 … {network.Classes - 1}.");
                    }

                    throw new ArgumentException(
                        $"The {name} has label {Labels[example].item<long>()} at example {example}, but {network.Name} produces " +
                        $"{network.Classes} class scores: labels must lie in 0 … {network.Classes - 1}.", name);
                }
            }

            using var finite = torch.isfinite(Features);
            if (!finite.all().item<bool>())
            {
                using var at = finite.logical_not().nonzero();
                long example = at[0, 0].item<long>(), feature = at[0, 1].item<long>();
                if (Origin is { } file)
                {
                    throw new DatasetException(file.Path,
                        $"{file.Row(example)}, column '{file.FeatureColumns[feature]}': {Features[example, feature].item<float>()} is not a finite number; features must be finite.");
                }

                throw new ArgumentException(
                    $"The {name} has {Features[example, feature].item<float>()} at example {example}, feature {feature}: features must be finite numbers.", name);
            }
        }

        private void ValidateTargets(NetworkDescription network, string name)
        {
            string what = network.Likelihood == Dsl.Likelihood.Bernoulli ? "labels (0 or 1)" : "targets";
            if (TargetCount == 0)
            {
                throw new ArgumentException(
                    $"The {name} has class indices, but {network.Name} has the {network.Likelihood} likelihood and needs {network.Targets} {what} per example: " +
                    "give labels as a float tensor [N, T] (or [N] for one target), or LabeledData.FromRows(features, targets).", name);
            }

            if (TargetCount != network.Targets)
            {
                throw new ArgumentException(
                    $"The {name} has {TargetCount} targets per example, but {network.Name} predicts {network.Targets} {what}: give one column per target.", name);
            }

            using var finite = torch.isfinite(Labels);
            if (!finite.all().item<bool>())
            {
                using var at = finite.logical_not().nonzero();
                long example = at[0, 0].item<long>(), target = at[0, 1].item<long>();
                string value = Labels[example, target].item<float>().ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (Origin is { } file)
                {
                    throw new DatasetException(file.Path, $"{file.Row(example)}, target {target}: {value} is not a finite number; targets must be finite.");
                }

                throw new ArgumentException($"The {name} has target {value} at example {example}, target {target}: targets must be finite numbers (drop or fill the rows with missing values).", name);
            }

            if (network.Likelihood == Dsl.Likelihood.Bernoulli)
            {
                using var binary = Labels.eq(0).logical_or_(Labels.eq(1));
                if (!binary.all().item<bool>())
                {
                    using var at = binary.logical_not().nonzero();
                    long example = at[0, 0].item<long>(), label = at[0, 1].item<long>();
                    string value = Labels[example, label].item<float>().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    throw new ArgumentException(
                        $"The {name} has {value} for label {label} of example {example}, but {network.Name} is a multi-label network (Likelihood.Bernoulli): " +
                        "every label must be 0 or 1.", name);
                }
            }
        }
    }
}
