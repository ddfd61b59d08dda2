using System;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Evaluation;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Prediction;

/// <summary>
/// <see cref="Predictor{TNetwork}.Calibrate"/>: the temperature and the prediction-set threshold fitted on held-out data,
/// applied to every later prediction, saved with the weights and cleared by training.
/// </summary>
public sealed class PredictionCalibrationTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"ibex-calibrated-{Guid.NewGuid():N}.ibexnet");

    public PredictionCalibrationTests() => TorchNative.EnsureLoaded();

    public void Dispose() => File.Delete(path);

    [Fact]
    public void CalibratedPredictionsAreTheTemperedPredictiveWithSetsThatCoverHeldOutData()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        // Overlapping clusters: a classifier that is often unsure, so sets and temperature matter.
        using var all = SyntheticClusters.Create(9000, 16, 4, seed, separation: 0.6);
        var (rest, test) = all.Split(4000.0 / 9000, seed);
        var (train, validation) = rest.Split(2500.0 / 5000, seed + 1);
        using var _ = rest;
        using var __ = test;
        using var ___ = train;
        using var ____ = validation;
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        new InformationTrainer(network, new TrainingSettings { Epochs = 8, BatchSize = 50, Seed = seed }).Fit(train, null);

        using var predictor = new Predictor<SmallClassifier>(network);
        var raw = predictor.PredictBatch(test, samples: 4);
        var fit = predictor.Calibrate(validation, samples: 4, coverage: 0.9, randomizedSets: true);
        var calibrated = predictor.PredictBatch(test, samples: 4);

        Assert.Equal(fit.Calibration, predictor.Calibration);
        Assert.Equal(fit.Temperature.Value, fit.Calibration.Temperature);
        Assert.Equal(4, fit.Calibration.Samples);
        Assert.True(fit.After.NegativeLogLikelihood <= fit.Before.NegativeLogLikelihood + 1e-9);
        Assert.Null(network.PredictionCalibration);
        int[] labels = test.Labels.data<long>().ToArray().Select(l => (int)l).ToArray();
        for (int i = 0; i < raw.Count; i++)
        {
            // softmax(log p / T), computed here in double from the uncalibrated predictive.
            var logits = raw[i].Probabilities.Select(p => Math.Log(Math.Max(p, 1e-30)) / fit.Calibration.Temperature).ToArray();
            double max = logits.Max();
            double sum = logits.Sum(z => Math.Exp(z - max));
            for (int k = 0; k < logits.Length; k++)
            {
                double expected = Math.Exp(logits[k] - max) / sum;
                Assert.True(Math.Abs(expected - calibrated[i].Probabilities[k]) < 1e-6, $"example {i}, class {k}: {calibrated[i].Probabilities[k]} against {expected}");
            }

            Assert.Equal(raw[i].MutualInformation, calibrated[i].MutualInformation);
            Assert.Null(raw[i].PredictionSet);
            Assert.NotNull(calibrated[i].PredictionSet);
        }

        // Coverage over 4,000 test examples with a threshold from 2,500: sd ≈ √(0.09/2500) + √(0.09/4000) ≈ 0.011.
        double covered = Enumerable.Range(0, labels.Length).Count(i => calibrated[i].PredictionSet!.Contains(labels[i])) / (double)labels.Length;
        Assert.True(Math.Abs(covered - 0.9) < 0.045, $"sets covered {covered:F4} of the test examples, calibrated for 0.9");
        double size = calibrated.Average(p => p.PredictionSet!.Count);
        Assert.True(size > 1.05 && size < 4, $"mean set size {size:F2}: the clusters overlap, so sets should hold more than the top class and fewer than all");

        // Saved and loaded, the predictor gives the same calibrated predictions.
        predictor.Save(path);
        using var loaded = Predictor<SmallClassifier>.Load(path);
        Assert.Equal(fit.Calibration, loaded.Calibration);
        var again = loaded.PredictBatch(test, samples: 4);
        for (int i = 0; i < again.Count; i++)
        {
            Assert.Equal(calibrated[i].Probabilities, again[i].Probabilities);
            Assert.Equal(calibrated[i].PredictionSet, again[i].PredictionSet);
        }
    }

    [Fact]
    public void TrainingClearsTheCalibrationAndABadOneIsRefused()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        using var data = SyntheticClusters.Create(400, 16, 4, seed);
        using var network = new SmallClassifier();
        network.PredictionCalibration = new PredictionCalibration(1.7, 0.8, 0.9);
        NetworkFile.Save(network, path);
        using (var reloaded = new SmallClassifier())
        {
            NetworkFile.Load(reloaded, path);
            Assert.Equal(network.PredictionCalibration, reloaded.PredictionCalibration);
        }

        new InformationTrainer(network, new TrainingSettings { Epochs = 1, BatchSize = 50, Seed = seed }).Fit(data, null);
        Assert.Null(network.PredictionCalibration);

        Assert.Contains("temperature", Assert.Throws<ArgumentException>(() => network.PredictionCalibration = new PredictionCalibration(0)).Message);
        Assert.Contains("both or neither", Assert.Throws<ArgumentException>(() => network.PredictionCalibration = new PredictionCalibration(1, 0.5)).Message);
        Assert.Contains("(0, 1)", Assert.Throws<ArgumentException>(() => network.PredictionCalibration = new PredictionCalibration(1, 0.5, 1.0)).Message);
        Assert.Contains("at least 9", Assert.Throws<ArgumentException>(() =>
        {
            using var predictor = new Predictor<SmallClassifier>(network);
            using var few = data.Take(5);
            predictor.Calibrate(few, samples: 0, coverage: 0.9);
        }).Message);
    }
}
