using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using Ibex.Runtime.Evaluation;
using Ibex.Runtime.IO;
using Ibex.Runtime.Prediction;
using TorchSharp;

namespace Ibex.Examples;

/// <summary>
/// What <c>--calibrate</c> measures on the 10,000 test images after training on 55,000 and calibrating on the 5,000 held
/// out: the predictive's calibration before and after temperature scaling (ECE, adaptive ECE, NLL, Brier), the risk–coverage
/// area, the coverage and size of 90% adaptive prediction sets, and out-of-distribution detection (AUROC, AUPR, FPR95) of
/// three scores against scikit-learn's handwritten digits (8×8, scaled to 28×28) and against uniform noise.
/// </summary>
internal static class CalibrationReport
{
    public static void Write<TNetwork>(TNetwork network, LabeledData validation, LabeledData test, int samples, string output)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        using var predictor = new Predictor<TNetwork>(network);
        int[] labels = test.ClassIndices();
        var raw = predictor.PredictBatch(test, samples);
        var fit = predictor.Calibrate(validation, samples, coverage: 0.9, randomizedSets: true);
        var calibrated = predictor.PredictBatch(test, samples);
        var before = Calibration.Evaluate(raw.Select(p => p.Probabilities).ToArray(), labels);
        var scores = ClassifierEvaluation.Evaluate(calibrated.Select(p => p.Probabilities).ToArray(), labels);
        var (after, risk) = (scores.Calibration, scores.RiskCoverage);
        double covered = calibrated.Select((p, i) => p.PredictionSet!.Contains(labels[i])).Count(c => c) / (double)labels.Length;
        double setSize = calibrated.Average(p => p.PredictionSet!.Count);

        string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine($"Calibration on {validation.Count:N0} held-out training images, S = {samples}: T = {F(fit.Calibration.Temperature, "F3")}; on the {test.Count:N0} test images:");
        Console.WriteLine("                      accuracy   NLL [nats]  Brier    ECE      adaptive ECE");
        Console.WriteLine($"before (T = 1)        {F(before.Accuracy)}     {F(before.NegativeLogLikelihood)}      {F(before.BrierScore)}   {F(before.ExpectedCalibrationError)}   {F(before.AdaptiveCalibrationError)}");
        Console.WriteLine($"after (T = {F(fit.Calibration.Temperature, "F3")})     {F(after.Accuracy)}     {F(after.NegativeLogLikelihood)}      {F(after.BrierScore)}   {F(after.ExpectedCalibrationError)}   {F(after.AdaptiveCalibrationError)}");
        Console.WriteLine($"AURC {F(risk.AreaUnderCurve)}, accuracy at 80% coverage {F(risk.AccuracyAtCoverage(0.8))}; 90% prediction sets cover {F(covered)} of the test images, {F(setSize, "F2")} classes on average");

        var detection = new Dictionary<string, Dictionary<string, OutOfDistributionDetection>>();
        var inScores = Scores(predictor, test.Features, samples);
        var shifts = new List<(string Name, torch.Tensor Images)>();
        using var noise = torch.rand(2000, test.Features.shape[1]);
        shifts.Add(("uniform noise", noise));
        using var digits = File.Exists(ScikitLearnDigits.DefaultPath) ? ScikitLearnDigits.Load() : null;
        if (digits is not null)
        {
            shifts.Insert(0, ("scikit-learn digits", digits.Features));
        }
        else
        {
            Console.WriteLine($"(no {ScikitLearnDigits.DefaultPath}: the digits comparison needs Debian's python3-sklearn installed; nothing of Python runs)");
        }

        Console.WriteLine("out of distribution     score                 AUROC   AUPR-out  AUPR-in  FPR95");
        foreach (var (name, images) in shifts)
        {
            var outScores = Scores(predictor, images, samples);
            detection[name] = new Dictionary<string, OutOfDistributionDetection>();
            foreach (var score in inScores.Keys)
            {
                var d = Ibex.Runtime.Evaluation.OutOfDistribution.Evaluate(inScores[score], outScores[score]);
                detection[name][score] = d;
                Console.WriteLine($"{name,-23} {score,-21} {F(d.AreaUnderRoc, "F3")}   {F(d.AreaUnderPrecisionRecallOut, "F3")}     {F(d.AreaUnderPrecisionRecallIn, "F3")}    {F(d.FalsePositiveRateAt95, "F3")}");
            }
        }

        var result = new CalibrationResult(samples, (int)validation.Count, (int)test.Count, fit.Calibration, before, after, risk.AreaUnderCurve, covered, setSize, detection);
        Directory.CreateDirectory(output);
        AtomicFile.WriteAllBytes(Path.Combine(output, "calibration.json"), JsonSerializer.SerializeToUtf8Bytes(result, CalibrationJson.Default.CalibrationResult));
        predictor.Save(Path.Combine(output, "network.calibrated.ibexnet"));
        Console.WriteLine($"Wrote calibration.json and network.calibrated.ibexnet in {Path.GetFullPath(output)}");
    }

    /// <summary>Mutual information, predictive entropy and 1 − max p of the calibrated predictive: higher means less to trust.</summary>
    private static Dictionary<string, double[]> Scores<TNetwork>(Predictor<TNetwork> predictor, torch.Tensor images, int samples)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        var predictions = predictor.PredictBatch(images, samples);
        return new Dictionary<string, double[]>
        {
            ["mutual information"] = predictions.Select(p => p.MutualInformation!.Value).ToArray(),
            ["predictive entropy"] = predictions.Select(p => p.PredictiveEntropy!.Value).ToArray(),
            ["1 − max p"] = predictions.Select(p => 1.0 - p.Confidence).ToArray(),
        };
    }

}

/// <summary>calibration.json.</summary>
internal sealed record CalibrationResult(int Samples, int ValidationImages, int TestImages, PredictionCalibration Calibration, ClassificationCalibration Before,
    ClassificationCalibration After, double AreaUnderRiskCoverage, double SetCoverage, double MeanSetSize,
    Dictionary<string, Dictionary<string, OutOfDistributionDetection>> OutOfDistribution);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[System.Text.Json.Serialization.JsonSerializable(typeof(CalibrationResult))]
internal sealed partial class CalibrationJson : System.Text.Json.Serialization.JsonSerializerContext
{
}
