using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// What a consumer of an exported graph needs to read its outputs as Ibex's predictor does, as ONNX metadata (the graph
    /// itself is the network's, on standardized inputs): <c>ibex.likelihood</c>; <c>ibex.input_mean</c> and
    /// <c>ibex.input_std</c> (feed <c>(x − μ)/σ</c>); for a regression network <c>ibex.target_mean</c> and
    /// <c>ibex.target_std</c> (a mean output m is <c>μ + σ·m</c>, a variance v is <c>σ²·v</c>) and, for the homoscedastic
    /// Gaussian, <c>ibex.noise_log_variance</c> (log σ² per target in standardized units). A calibrated network adds what
    /// its <c>PredictionCalibration</c> holds: <c>ibex.temperature</c> (a classifier: softmax(z / T)),
    /// <c>ibex.label_temperatures</c> (a multi-label network: σ(z_j / T_j)), <c>ibex.interval_quantiles</c> and
    /// <c>ibex.interval_coverage</c> (a regression network: μ_t ± q̂_t·σ_t), and <c>ibex.calibration_samples</c>, the
    /// Monte-Carlo samples S of the predictive they were fitted on: the graph is the mean network, for which they were
    /// fitted exactly when S = 0. Numbers are comma-separated in the invariant culture, round-trip precision.
    /// </summary>
    public static class OnnxPredictionMetadata
    {
        /// <summary>The entries for <paramref name="network"/>; pass them as <see cref="OnnxExportOptions.Metadata"/>.</summary>
        public static IReadOnlyDictionary<string, string> Of(InformationNetwork network)
        {
            System.ArgumentNullException.ThrowIfNull(network);
            var entries = new Dictionary<string, string> { ["ibex.likelihood"] = network.Description.Likelihood.ToString() };
            if (network.InputStandardization is { } inputs)
            {
                entries["ibex.input_mean"] = Numbers(inputs.Mean);
                entries["ibex.input_std"] = Numbers(inputs.StandardDeviation);
            }

            if (network.TargetStandardization is { } targets)
            {
                entries["ibex.target_mean"] = Numbers(targets.Mean);
                entries["ibex.target_std"] = Numbers(targets.StandardDeviation);
            }

            if (network.NoiseLogVariance is { } noise)
            {
                entries["ibex.noise_log_variance"] = Numbers(noise.detach().cpu().data<float>().ToArray());
            }

            if (network.PredictionCalibration is { } calibration)
            {
                entries["ibex.calibration_samples"] = calibration.Samples.ToString(CultureInfo.InvariantCulture);
                if (network.Description.Likelihood == Dsl.Likelihood.Categorical)
                {
                    entries["ibex.temperature"] = Numbers(new[] { calibration.Temperature });
                }

                if (calibration.LabelTemperatures is { } temperatures)
                {
                    entries["ibex.label_temperatures"] = Numbers(temperatures);
                }

                if (calibration.IntervalQuantiles is { } quantiles)
                {
                    entries["ibex.interval_quantiles"] = Numbers(quantiles);
                    entries["ibex.interval_coverage"] = Numbers(new[] { calibration.IntervalCoverage!.Value });
                }
            }

            return entries;
        }

        private static string Numbers(IEnumerable<float> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        private static string Numbers(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    }
}
