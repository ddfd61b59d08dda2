using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Evaluation;
using TorchSharp;

namespace Ibex.Examples.Uncertainty;

/// <summary>
/// Fashion-MNIST: every method trains on the first 55,000 training images; the last 5,000 fit the temperature and the
/// prediction-set threshold; the 10,000 test images measure. Out-of-distribution sets: scikit-learn's digits at 28 × 28,
/// and 2,000 images of uniform noise.
/// </summary>
internal static class FashionEvidence
{
    public const string Dataset = "fashion-mnist";

    public static IReadOnlyList<ResultRow> Run(int epochs, int samples, string dataDirectory, Action<string> log)
    {
        using var all = FashionMnist.LoadTrain(dataDirectory);
        using var train = all.Take(all.Count - 5000);
        using var validation = all.Slice(all.Count - 5000, 5000);
        using var test = FashionMnist.LoadTest(dataDirectory);
        using var digits = ScikitLearnDigits.Load();
        torch.manual_seed(7);
        using var noise = torch.rand(2000, 784);
        int[] validationLabels = validation.ClassIndices(), testLabels = test.ClassIndices();

        var rows = new List<ResultRow>();
        foreach (var build in Methods(train, epochs, samples, log))
        {
            using var method = build();
            log($"{method.Name}: trained in {method.TrainingSeconds:F0} s; predicting");
            var onValidation = method.Predict(validation.Features);
            var onTest = method.Predict(test.Features);
            var onDigits = method.Predict(digits.Features);
            var onNoise = method.Predict(noise);

            void Add(string metric, double value) => rows.Add(new ResultRow(Dataset, method.Name, metric, value, double.NaN));
            var before = Calibration.Evaluate(onTest.Probabilities, testLabels);
            var temperature = TemperatureScaling.Fit(onValidation.Probabilities.Select(LogOf).ToArray(), validationLabels);
            var tempered = onTest.Probabilities.Select(p => temperature.Apply(LogOf(p))).ToArray();
            var testScores = ClassifierEvaluation.Evaluate(tempered, testLabels);
            var (after, risk) = (testScores.Calibration, testScores.RiskCoverage);
            var temperedValidation = onValidation.Probabilities.Select(p => temperature.Apply(LogOf(p))).ToArray();
            var sets = ConformalClassifier.Calibrate(temperedValidation, validationLabels, 0.9, randomized: false, new Random(1));
            var random = new Random(2);
            var predictionSets = tempered.Select(p => sets.PredictionSet(p, random)).ToArray();

            Add("accuracy", before.Accuracy);
            Add("nll", before.NegativeLogLikelihood);
            Add("brier", before.BrierScore);
            Add("ece", before.ExpectedCalibrationError);
            Add("ece_after_temperature", after.ExpectedCalibrationError);
            Add("nll_after_temperature", after.NegativeLogLikelihood);
            Add("temperature", temperature.Value);
            Add("aurc", risk.AreaUnderCurve);
            Add("set_coverage_90", predictionSets.Select((s, i) => s.Contains(testLabels[i])).Count(c => c) / (double)testLabels.Length);
            Add("set_size_90", predictionSets.Average(s => s.Count));
            // Randomized sets (u ~ U(0, 1)): close to exact coverage and much smaller, at the price of a random set.
            var randomizedSets = ConformalClassifier.Calibrate(temperedValidation, validationLabels, 0.9, randomized: true, new Random(3));
            var draws = new Random(4);
            var randomized = tempered.Select(p => randomizedSets.PredictionSet(p, draws)).ToArray();
            Add("randomized_set_coverage_90", randomized.Select((s, i) => s.Contains(testLabels[i])).Count(c => c) / (double)testLabels.Length);
            Add("randomized_set_size_90", randomized.Average(s => s.Count));
            foreach (var (shift, outside) in new[] { ("digits", onDigits), ("noise", onNoise) })
            {
                var scores = new List<(string Score, double[] In, double[] Out)> { ("entropy", onTest.Entropy, outside.Entropy) };
                if (onTest.MutualInformation is { } mi && outside.MutualInformation is { } miOut)
                {
                    scores.Add(("mutual_information", mi, miOut));
                }

                foreach (var (score, inside, outScores) in scores)
                {
                    var detection = OutOfDistribution.Evaluate(inside, outScores);
                    Add($"ood_{shift}_{score}_auroc", detection.AreaUnderRoc);
                    Add($"ood_{shift}_{score}_aupr_out", detection.AreaUnderPrecisionRecallOut);
                    Add($"ood_{shift}_{score}_fpr95", detection.FalsePositiveRateAt95);
                }
            }

            Add("train_seconds", method.TrainingSeconds);
            log($"{method.Name}: accuracy {before.Accuracy:F4}, NLL {before.NegativeLogLikelihood:F4}, ECE {before.ExpectedCalibrationError:F4} → {after.ExpectedCalibrationError:F4} (T = {temperature.Value:F3}), digits AUROC (entropy) {rows.Last(r => r.Metric == "ood_digits_entropy_auroc").Value:F3}");
        }

        return rows;
    }

    /// <summary>The five methods, each trained when its turn comes (so that only one is in memory at a time).</summary>
    private static IEnumerable<Func<IClassifierMethod>> Methods(LabeledData train, int epochs, int samples, Action<string> log)
    {
        const int batch = 128;
        yield return () =>
        {
            var (network, seconds) = Training.Fit<PlainCnn>(train, epochs, batch, 11);
            return new SampledClassifier("deterministic", new[] { network }, 0, seconds);
        };
        yield return () =>
        {
            var (network, seconds) = Training.Fit<DropoutCnn>(train, epochs, batch, 12);
            return new SampledClassifier("mc-dropout", new[] { network }, samples, seconds);
        };
        yield return () =>
        {
            var members = new List<Ibex.Runtime.InformationNetwork>();
            double seconds = 0;
            for (int member = 0; member < 5; member++)
            {
                var (network, took) = Training.Fit<PlainCnn>(train, epochs, batch, 100 + member);
                members.Add(network);
                seconds += took;
                log($"deep-ensemble-5: member {member + 1} trained in {took:F0} s");
            }

            return new SampledClassifier("deep-ensemble-5", members, 0, seconds);
        };
        yield return () =>
        {
            var (network, seconds) = Training.Fit<LogNormalCnn>(train, epochs, batch, 13);
            return new IbexClassifier<LogNormalCnn>("ibex-lognormal", network, samples, seconds);
        };
        yield return () =>
        {
            var (network, seconds) = Training.Fit<GaussianCnn>(train, epochs, batch, 14);
            return new IbexClassifier<GaussianCnn>("ibex-gaussian", network, samples, seconds);
        };
    }

    private static float[] LogOf(float[] probabilities) => probabilities.Select(p => MathF.Log(MathF.Max(p, 1e-30f))).ToArray();
}
