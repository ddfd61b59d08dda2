using System;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Native;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Prediction;

/// <summary>A multi-label network from the public API: trained on 0/1 targets, saved, loaded and asked per label.</summary>
public sealed class MultiLabelPredictionTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"ibex-multilabel-{Guid.NewGuid():N}.ibexnet");

    public MultiLabelPredictionTests() => TorchNative.EnsureLoaded();

    public void Dispose() => File.Delete(path);

    [Fact]
    public void PerLabelProbabilitiesEntropyAndMutualInformationSurviveSaveAndLoad()
    {
        int seed = Random.Shared.Next(1, 1_000_000);
        var random = new Random(seed);
        // Label j is present when x·w_j + 0.3·ξ > 0, w_j a random direction.
        var directions = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToArray();
        (float[][], float[][]) Draw(int count)
        {
            var x = new float[count][];
            var y = new float[count][];
            for (int i = 0; i < count; i++)
            {
                x[i] = Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
                y[i] = directions.Select(w => w.Zip(x[i], (a, b) => a * b).Sum() + 0.3 * (random.NextDouble() * 2 - 1) > 0 ? 1f : 0f).ToArray();
            }

            return (x, y);
        }

        var (trainX, trainY) = Draw(3000);
        var (testX, testY) = Draw(2000);
        using var train = LabeledData.FromRows(trainX, trainY);
        using var test = LabeledData.FromRows(testX, testY);
        torch.manual_seed(seed);
        using var network = new MultiLabelNetwork();
        var reports = new InformationTrainer(network, new TrainingSettings { Epochs = 25, BatchSize = 100, Seed = seed }).Fit(train, test);
        // Exact match (all three labels right): the trainer's and test accuracy count that.
        Assert.True(reports[^1].TestAccuracy > 0.75, $"exact-match test accuracy {reports[^1].TestAccuracy:F3} (seed {seed})");

        using (var predictor = new Predictor<MultiLabelNetwork>(network))
        {
            predictor.Save(path);
        }

        using var loaded = Predictor<MultiLabelNetwork>.Load(path);
        var predictions = loaded.PredictLabels(testX, samples: 8);
        double exact = predictions.Select((p, i) => p.Labels.Select(l => l ? 1f : 0f).SequenceEqual(testY[i])).Count(m => m) / (double)testY.Length;
        Assert.True(exact > 0.75, $"exact-match accuracy of the 8-sample predictive {exact:F3} (seed {seed})");
        foreach (var p in predictions)
        {
            for (int j = 0; j < 3; j++)
            {
                double q = p.Probabilities[j];
                double binaryEntropy = q <= 0 || q >= 1 ? 0 : -(q * Math.Log(q) + (1 - q) * Math.Log(1 - q));
                Assert.Equal(binaryEntropy, p.Entropy![j], 1e-5);
                Assert.InRange(p.MutualInformation![j], 0, p.Entropy![j] + 1e-12);
                Assert.Equal(q > 0.5, p.Labels[j]);
            }
        }

        // Examples near a label's boundary are the uncertain ones: mean entropy of the 10% closest above that of the rest.
        var margins = testX.Select(x => directions.Min(w => Math.Abs(w.Zip(x, (a, b) => a * b).Sum()))).ToArray();
        var order = Enumerable.Range(0, testX.Length).OrderBy(i => margins[i]).ToArray();
        double near = order.Take(200).Average(i => predictions[i].Entropy!.Max()), far = order.Skip(1000).Average(i => predictions[i].Entropy!.Max());
        Assert.True(near > 2 * far, $"entropy near the boundaries {near:F3}, far from them {far:F3}");

        var mean = loaded.PredictLabels(testX.Take(5).ToArray(), samples: 0);
        Assert.All(mean, p => Assert.Null(p.Entropy));
        Assert.Equal(network.Description.Likelihood, loaded.Description.Likelihood);
    }

    [Fact]
    public void LabelTemperaturesFittedOnHeldOutExamplesCoolATooSureLabelSharpenAHedgingOneAndSurviveSaveAndLoad()
    {
        int seed = Random.Shared.Next(1, 1_000_000);
        var random = new Random(seed);
        // Label 1: x₀ > 0 everywhere. Label 2: x₁ > 0 in training, but a coin with p = σ(x₁) where the network is
        // calibrated and used, so that it is surer than it should be there. Label 3: a coin with p = σ(x₂) in training,
        // but x₂ > 0 where it is calibrated and used, so that it hedges more than it should.
        (float[][], float[][]) Draw(int count, bool training)
        {
            var x = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
            bool Coin(float z) => random.NextDouble() < 1 / (1 + Math.Exp(-z));
            var y = x.Select(r => new[] { r[0] > 0 ? 1f : 0f, (training ? r[1] > 0 : Coin(r[1])) ? 1f : 0f, (training ? Coin(r[2]) : r[2] > 0) ? 1f : 0f }).ToArray();
            return (x, y);
        }

        var (trainX, trainY) = Draw(2000, training: true);
        var (heldOutX, heldOutY) = Draw(2000, training: false);
        var (testX, _) = Draw(500, training: false);
        using var train = LabeledData.FromRows(trainX, trainY);
        using var heldOut = LabeledData.FromRows(heldOutX, heldOutY);
        torch.manual_seed(seed);
        using var network = new MultiLabelNetwork();
        new InformationTrainer(network, new TrainingSettings { Epochs = 30, BatchSize = 100, Seed = seed }).Fit(train);

        using var predictor = new Predictor<MultiLabelNetwork>(network);
        var raw = predictor.PredictLabels(testX, samples: 8);
        var fits = predictor.CalibrateLabels(heldOut, samples: 8);

        Assert.Equal(3, fits.Count);
        // T = 1 lies in the search range, so no label's held-out cross-entropy may rise; the too sure label must cool
        // (T > 1), the hedging one sharpen (T < 1), and both gain.
        Assert.All(fits, f => Assert.True(f.NegativeLogLikelihoodAfter <= f.NegativeLogLikelihoodBefore + 1e-9, $"{f} (seed {seed})"));
        Assert.True(fits[1].Value > 2 && fits[1].NegativeLogLikelihoodAfter < fits[1].NegativeLogLikelihoodBefore - 0.05, $"the too sure label's fit {fits[1]} (seed {seed})");
        Assert.True(fits[2].Value < 0.7 && fits[2].NegativeLogLikelihoodAfter < fits[2].NegativeLogLikelihoodBefore - 0.05, $"the hedging label's fit {fits[2]} (seed {seed})");
        Assert.Equal(fits.Select(f => f.Value), predictor.Calibration!.LabelTemperatures!);

        // Every later prediction is the untempered one with p → σ(logit(p) / T_j), its entropy that of the new p, its
        // mutual information unchanged.
        var calibrated = predictor.PredictLabels(testX, samples: 8);
        for (int i = 0; i < testX.Length; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double p = Math.Clamp(raw[i].Probabilities[j], 1e-30, 1 - 1e-7);
                double expected = 1 / (1 + Math.Exp(-Math.Log(p / (1 - p)) / fits[j].Value));
                double q = calibrated[i].Probabilities[j];
                // p is the float32 the first call returned (±6·10⁻⁸); the predictor tempers its float64 mean, so the logit here
                // is off by up to 6·10⁻⁸ / (p·(1 − p)), which moves q by q·(1 − q)/T times that.
                double tolerance = 1e-6 + expected * (1 - expected) * 1.2e-7 / (p * (1 - p) * fits[j].Value);
                Assert.True(Math.Abs(q - expected) < tolerance, $"example {i}, label {j + 1}: {q} against {expected} from {p} at T = {fits[j].Value} (seed {seed})");
                Assert.Equal(q > 0.5, calibrated[i].Labels[j]);
                Assert.Equal(raw[i].Labels[j], calibrated[i].Labels[j]);
                double entropy = q <= 0 || q >= 1 ? 0 : -(q * Math.Log(q) + (1 - q) * Math.Log(1 - q));
                Assert.Equal(entropy, calibrated[i].Entropy![j], 1e-5);
                Assert.Equal(raw[i].MutualInformation![j], calibrated[i].MutualInformation![j], 12);
            }
        }

        predictor.Save(path);
        using var loaded = Predictor<MultiLabelNetwork>.Load(path);
        Assert.Equal(predictor.Calibration, loaded.Calibration);
        var reloaded = loaded.PredictLabels(testX, samples: 8);
        Assert.Equal(calibrated.SelectMany(p => p.Probabilities), reloaded.SelectMany(p => p.Probabilities));
    }

    [Fact]
    public void LabelTemperaturesThatDoNotFitTheNetworkAreRefused()
    {
        using var network = new MultiLabelNetwork();
        Assert.Contains("needs one per label", Assert.Throws<ArgumentException>(() =>
            network.PredictionCalibration = new PredictionCalibration(1.0) { LabelTemperatures = new[] { 1.0, 2.0 } }).Message);
        Assert.Contains("label 2", Assert.Throws<ArgumentException>(() =>
            network.PredictionCalibration = new PredictionCalibration(1.0) { LabelTemperatures = new[] { 1.0, double.NaN, 1.0 } }).Message);
        using var classifier = new SmallClassifier();
        Assert.Contains("no multi-label network", Assert.Throws<ArgumentException>(() =>
            classifier.PredictionCalibration = new PredictionCalibration(1.0) { LabelTemperatures = new[] { 1.0 } }).Message);
    }
}
