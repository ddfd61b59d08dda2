using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Evaluation;
using TorchSharp;

namespace Ibex.Examples.Uncertainty;

/// <summary>
/// The regression protocol of Lakshminarayanan et al. 2017 on scikit-learn's diabetes data: 20 random 90/10 splits, every
/// method trained on the 90% (inputs and targets standardized by its statistics) and measured on the 10% in the target's
/// units: RMSE, the Gaussian NLL of the predictive (mean and total variance), and the coverage of its central 90%
/// interval; mean ± standard error over the splits. Split-conformal intervals: an Ibex log-normal network trained on 80%
/// of each split's 90% and calibrated on the other 20%.
/// </summary>
internal static class DiabetesEvidence
{
    public const string Dataset = "diabetes";

    private const double Gaussian90 = 1.6448536269514722;

    public static IReadOnlyList<ResultRow> Run(int splits, int epochs, int samples, Action<string> log)
    {
        var (features, targets) = RegressionData.Diabetes();
        var measured = new RepeatedMeasurements();

        for (int split = 0; split < splits; split++)
        {
            var order = Enumerable.Range(0, features.Length).OrderBy(_ => 0).ToArray();
            new Random(1000 + split).Shuffle(order);
            int testCount = (int)Math.Round(features.Length * 0.1);
            var testRows = order.Take(testCount).ToArray();
            var trainRows = order.Skip(testCount).ToArray();
            using var train = RegressionData.Standardized(trainRows.Select(i => features[i]).ToArray(), trainRows.Select(i => targets[i]).ToArray());
            using var testInputs = torch.tensor(testRows.SelectMany(i => features[i]).ToArray(), new long[] { testCount, 10 });
            double[] y = testRows.Select(i => (double)targets[i]).ToArray();
            long seed = 10 * split;

            foreach (var build in Methods(train, epochs, samples, seed))
            {
                using var method = build();
                var predictive = method.Predict(testInputs);
                measured.Record(method.Name, "rmse", Math.Sqrt(y.Select((v, i) => (v - predictive.Mean[i]) * (v - predictive.Mean[i])).Average()));
                measured.Record(method.Name, "nll", y.Select((v, i) => GaussianNll(v, predictive.Mean[i], predictive.Aleatoric[i] + predictive.Epistemic[i])).Average());
                measured.Record(method.Name, "interval_coverage_90", y.Where((v, i) => Math.Abs(v - predictive.Mean[i]) <= Gaussian90 * predictive.StandardDeviation(i)).Count() / (double)y.Length);
                measured.Record(method.Name, "interval_width_90", Enumerable.Range(0, y.Length).Average(i => 2 * Gaussian90 * predictive.StandardDeviation(i)));
            }

            // Split conformal: fit on 80% of the training rows, calibrate on the rest, measure on the same test rows.
            int fitCount = (int)Math.Round(trainRows.Length * 0.8);
            using var fit = RegressionData.Standardized(trainRows.Take(fitCount).Select(i => features[i]).ToArray(), trainRows.Take(fitCount).Select(i => targets[i]).ToArray());
            var calibrationRows = trainRows.Skip(fitCount).ToArray();
            using var calibration = Ibex.Runtime.Data.LabeledData.FromRows(calibrationRows.Select(i => features[i]).ToArray(), calibrationRows.Select(i => targets[i]).ToArray());
            var (conformalNetwork, _) = Training.Fit<LogNormalDiabetes>(fit, epochs, 32, seed + 7);
            using (var conformal = new IbexRegressor<LogNormalDiabetes>("ibex-lognormal", conformalNetwork, samples))
            {
                conformal.Predictor.CalibrateIntervals(calibration, samples, coverage: 0.9);
                var intervals = conformal.Predictor.PredictTargets(testInputs, samples);
                measured.Record("ibex-lognormal", "conformal_interval_coverage_90", y.Where((v, i) => intervals[i].Lower[0] <= v && v <= intervals[i].Upper[0]).Count() / (double)y.Length);
                measured.Record("ibex-lognormal", "conformal_interval_width_90", intervals.Average(p => p.Upper[0] - p.Lower[0]));
            }

            log($"diabetes split {split + 1}/{splits}: " + string.Join(", ", measured.Methods.Select(m => $"{m} RMSE {measured.Latest(m, "rmse"):F1}")));
        }

        return measured.Rows(Dataset);
    }

    private static double GaussianNll(double y, double mean, double variance)
        => 0.5 * (Math.Log(2 * Math.PI * variance) + (y - mean) * (y - mean) / variance);

    private static IEnumerable<Func<IRegressorMethod>> Methods(Ibex.Runtime.Data.LabeledData train, int epochs, int samples, long seed)
    {
        const int batch = 32;
        yield return () => new SampledRegressor("deterministic", new InformationNetwork[] { Training.Fit<PlainDiabetes>(train, epochs, batch, seed + 1).Network }, 0);
        yield return () => new SampledRegressor("mc-dropout", new InformationNetwork[] { Training.Fit<DropoutDiabetes>(train, epochs, batch, seed + 2).Network }, samples);
        yield return () => new SampledRegressor("deep-ensemble-5",
            Enumerable.Range(0, 5).Select(member => (InformationNetwork)Training.Fit<PlainDiabetes>(train, epochs, batch, seed + 100 + member).Network).ToArray(), 0);
        yield return () => new IbexRegressor<LogNormalDiabetes>("ibex-lognormal", Training.Fit<LogNormalDiabetes>(train, epochs, batch, seed + 3).Network, samples);
        yield return () => new IbexRegressor<GaussianDiabetes>("ibex-gaussian", Training.Fit<GaussianDiabetes>(train, epochs, batch, seed + 4).Network, samples);

        // The same two at β = 1, where the information term is the ELBO's KL (variational inference), beside the declared β.
        yield return () => new IbexRegressor<LogNormalDiabetes>("ibex-lognormal-beta1", Training.Fit<LogNormalDiabetes>(train, epochs, batch, seed + 3, beta: 1).Network, samples);
        yield return () => new IbexRegressor<GaussianDiabetes>("ibex-gaussian-beta1", Training.Fit<GaussianDiabetes>(train, epochs, batch, seed + 4, beta: 1).Network, samples);
    }
}
