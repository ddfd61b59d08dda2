using System;
using System.Linq;
using Ibex.Runtime.Data;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// What the network learns about its inputs from the data it is trained on: their standardization, its targets'
    /// standardization (regression) and the class names.
    /// The network keeps both, so that its saved file and every prediction use the inputs as training saw them.
    /// </summary>
    internal static class InputConventions
    {
        /// <summary>
        /// Gives <paramref name="network"/> the training data's standardization and class names, after checking that the
        /// test data was prepared the same way and that the network is not asked to unlearn a standardization it has.
        /// </summary>
        public static void Adopt(InformationNetwork network, ITrainingSet train, LabeledData? test)
        {
            var standardization = train.StandardizedWith;
            if (test is not null && !Equals(test.StandardizedWith, standardization))
            {
                throw new ArgumentException(standardization is null
                    ? "The test data is standardized but the training data is not: evaluate on data prepared as the training data was."
                    : test.StandardizedWith is null
                        ? "The training data is standardized but the test data is raw: apply the same Standardization (fitted on the training data) to the test data."
                        : "The test data is standardized with other statistics than the training data: apply the Standardization fitted on the training data to both.",
                    nameof(test));
            }

            if (standardization is null && network.InputStandardization is not null)
            {
                throw new ArgumentException(
                    $"{network.Description.Name} standardizes its inputs (it was trained or loaded with input statistics), but this training data is raw: " +
                    "apply network.InputStandardization to the data, or set network.InputStandardization = null to train it on raw inputs from now on.",
                    nameof(train));
            }

            if (test?.ClassNames is { } testNames && train.ClassNames is { } trainNames && !testNames.SequenceEqual(trainNames, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"The test data's classes ({string.Join(", ", testNames)}) are not the training data's ({string.Join(", ", trainNames)}) in the same order: " +
                    "load the test data with the training data's class names.", nameof(test));
            }

            var targets = train.TargetsStandardizedWith;
            if (test is not null && !Equals(test.TargetsStandardizedWith, targets))
            {
                throw new ArgumentException(targets is null
                    ? "The test targets are standardized but the training targets are not: evaluate on targets prepared as the training targets were."
                    : "The training targets are standardized but the test targets are not (or with other statistics): apply TargetStandardizer.Apply with the training data's statistics to both.",
                    nameof(test));
            }

            network.InputStandardization = standardization;
            network.TargetStandardization = targets;
            // A temperature and a set threshold were fitted to the weights before this training: they no longer hold.
            network.PredictionCalibration = null;
            if (train.ClassNames is { } names)
            {
                network.ClassNames = names;
            }
        }
    }
}
