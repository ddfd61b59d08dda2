using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Persistence
{
    /// <summary>
    /// The part of a saved network that prediction needs besides the weights, as JSON in the file's header. Every member is
    /// optional, so that later members (label descriptions, …) can be added without a new file format.
    /// </summary>
    /// <param name="Standardization">The input standardization <c>x' = (x − μ) / σ</c>, or null for raw inputs.</param>
    /// <param name="ClassNames">The class names in label order, or null.</param>
    public sealed record SavedPrediction(SavedStandardization? Standardization, IReadOnlyList<string>? ClassNames)
    {
        internal static SavedPrediction None { get; } = new(null, null);

        /// <summary>The temperature and prediction-set threshold fitted after training, or null.</summary>
        public PredictionCalibration? Calibration { get; init; }

        /// <summary>The target standardization <c>y' = (y − μ) / σ</c> of a regression network, or null for raw targets.</summary>
        public SavedStandardization? TargetStandardization { get; init; }

        internal static SavedPrediction Of(InformationNetwork network)
            => new(network.InputStandardization is { } s ? new SavedStandardization(s.Mean, s.StandardDeviation) : null, network.ClassNames)
            {
                Calibration = network.PredictionCalibration,
                TargetStandardization = network.TargetStandardization is { } t ? new SavedStandardization(t.Mean, t.StandardDeviation) : null,
            };

        /// <summary>The network's settings from these, checked against <paramref name="description"/>; a file whose values do not fit is damaged.</summary>
        internal (InputStandardization? Standardization, IReadOnlyList<string>? ClassNames, PredictionCalibration? Calibration, TargetStandardization? Targets) Read(NetworkDescription description, string path)
        {
            try
            {
                var standardization = Standardization is null ? null : new InputStandardization(Standardization.Mean, Standardization.StandardDeviation);
                if (standardization is not null && standardization.Features != description.InputFeatures)
                {
                    throw new ArgumentException($"its standardization is for {standardization.Features} features, the network takes {description.InputFeatures}");
                }

                var names = ClassNames is null ? null : ClassNameList.Checked(ClassNames, description.Classes, description.Name);
                var targets = TargetStandardization is null ? null : new TargetStandardization(TargetStandardization.Mean, TargetStandardization.StandardDeviation);
                if (targets is not null && (!description.IsRegression || targets.Targets != description.Targets))
                {
                    throw new ArgumentException($"its target standardization is for {targets.Targets} targets, the network predicts {description.Targets} with the {description.Likelihood} likelihood");
                }

                return (standardization, names, Calibration?.CheckedFor(description), targets);
            }
            catch (ArgumentException e)
            {
                throw CheckpointException.Damaged(path, $"its prediction settings do not fit {description.Name} ({e.Message}).", e);
            }
        }
    }

    /// <summary>Per-feature means μ and standard deviations σ of a saved input standardization.</summary>
    /// <param name="Mean">μ, one per input feature.</param>
    /// <param name="StandardDeviation">σ, one per input feature.</param>
    public sealed record SavedStandardization(IReadOnlyList<float> Mean, IReadOnlyList<float> StandardDeviation);
}
