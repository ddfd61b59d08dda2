using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Data;
using Ibex.Runtime.Evaluation;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Runs;

/// <summary>The run pipeline: every stage it is asked for, what it writes agreeing with what it measured, and early stopping.</summary>
public sealed class TrainingRunTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "ibex-run-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ARegressionRunReportsItsPredictiveInTheTargetsUnitsAndNoAccuracy()
    {
        var random = new Random();
        int seed = random.Next(1, 1_000_000);
        // y = 50 + 10·sin(x₀) + 5·x₁ + N(0, 2²), standardized for training; the report scores in the target's units.
        float[][] x = Enumerable.Range(0, 1500).Select(_ => new[] { (float)(random.NextDouble() * 6 - 3), (float)(random.NextDouble() * 2 - 1), (float)random.NextDouble() }).ToArray();
        float[] y = x.Select(r => (float)(50 + 10 * Math.Sin(r[0]) + 5 * r[1] + 2 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();
        using var raw = LabeledData.FromRows(x, y);
        var (rawTrain, rawTest) = raw.Split(0.2, seed);
        using var _ = rawTrain;
        using var __ = rawTest;
        var statistics = TargetStandardizer.Fit(rawTrain);
        using var train = TargetStandardizer.Apply(statistics, rawTrain);
        using var test = TargetStandardizer.Apply(statistics, rawTest);
        torch.manual_seed(seed);
        using var network = new HomoscedasticRegressor();
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 30, BatchSize = 50, Seed = seed },
            OutputDirectory = Path.Combine(folder, "output"),
            MonteCarloSamples = 8,
            ExportOnnx = true,
        };

        using var run = new TrainingRun<HomoscedasticRegressor>(network, options);
        var report = run.Run(train, test).Report!;
        Assert.True(double.IsNaN(report.Final.TestMeanNetwork) && double.IsNaN(report.Final.TestMonteCarlo), "a regression network has no accuracy");
        Assert.Null(report.Final.TestCalibration);
        var regression = Assert.Single(report.Final.TestRegression!);
        Assert.Equal(test.Count, regression.Examples);
        // Noise σ = 2 in the target's units: a good fit has an RMSE near 2 (predicting the mean misses by about 8).
        Assert.InRange(regression.RootMeanSquaredError, 1.5, 3.5);
        Assert.InRange(regression.IntervalCoverage90, 0.8, 0.97);

        // The same numbers from the saved network, predicted on the raw test rows.
        using var loaded = Predictor<HomoscedasticRegressor>.Load(report.NetworkFile!);
        var predictions = loaded.PredictTargets(rawTest, samples: 8);
        using var targets = rawTest.Labels.to(torch.float64);
        var observed = targets.data<double>().ToArray();
        var again = RegressionEvaluation.Evaluate(predictions.Select(p => p.Mean[0]).ToArray(), predictions.Select(p => p.StandardDeviation(0)).ToArray(), observed);
        Assert.Equal(regression.RootMeanSquaredError, again.RootMeanSquaredError, 1e-4 * regression.RootMeanSquaredError);
        Assert.Equal(regression.NegativeLogLikelihood, again.NegativeLogLikelihood, 1e-4);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(options.OutputDirectory, RunFiles.Report)));
        Assert.Equal(regression.RootMeanSquaredError, json.RootElement.GetProperty("final").GetProperty("testRegression")[0].GetProperty("rootMeanSquaredError").GetDouble(), 12);
        // The loss's data term is named for what it is: the Gaussian NLL, not a cross-entropy.
        Assert.Equal("Gaussian", json.RootElement.GetProperty("likelihood").GetString());
        string page = File.ReadAllText(Path.Combine(options.OutputDirectory, RunFiles.ReportPage));
        Assert.Contains("<th>Gaussian NLL</th>", page);
        Assert.DoesNotContain("cross-entropy", page);
        Assert.Contains("Interval calibration on the test set", page);

        // The ONNX graph gives standardized means; its metadata maps them back to the predictor's mean network.
        using var session = new InferenceSession(report.OnnxFile!);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("Gaussian", metadata["ibex.likelihood"]);
        double targetMean = double.Parse(metadata["ibex.target_mean"], System.Globalization.CultureInfo.InvariantCulture);
        double targetScale = double.Parse(metadata["ibex.target_std"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(metadata.ContainsKey("ibex.noise_log_variance"));
        var rows = rawTest.Features.data<float>().ToArray();
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(rows, new[] { (int)rawTest.Count, 3 });
        using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input) });
        var standardizedMeans = outputs.First().AsEnumerable<float>().ToArray();
        var meanNetwork = loaded.PredictTargets(rawTest, samples: 0);
        for (int i = 0; i < meanNetwork.Count; i++)
        {
            Assert.Equal(meanNetwork[i].Mean[0], targetMean + targetScale * standardizedMeans[i], 1e-4 * Math.Abs(meanNetwork[i].Mean[0]));
        }
    }

    [Fact]
    public void ACalibratedRunSavesANetworkWhoseSetsCoverTheTestSet()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        // Overlapping clusters: a classifier that is often unsure, so the sets hold more than one class.
        using var all = SyntheticClusters.Create(9000, 16, 4, seed, separation: 0.6);
        var (train, test) = all.Split(4000.0 / 9000, seed);
        using var _ = train;
        using var __ = test;
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        double coverage = 0.8 + Random.Shared.NextDouble() * 0.15;
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 6, BatchSize = 50, Seed = seed },
            OutputDirectory = Path.Combine(folder, "output"),
            MonteCarloSamples = 4,
            Calibration = new RunCalibration { HeldOutFraction = 0.4, Coverage = coverage },
            ExportOnnx = true,
        };

        using var run = new TrainingRun<SmallClassifier>(network, options);
        var report = run.Run(train, test).Report!;

        // 2,000 of the 5,000 training examples held out: N counts the 3,000 trained on.
        var calibrated = Assert.IsType<CalibrationOutcome>(report.Calibration);
        Assert.Equal(2000, calibrated.HeldOutExamples);
        Assert.Equal(3000, report.TrainingExamples);
        Assert.Equal(coverage, calibrated.Calibration.SetCoverage);
        // Coverage on 4,000 test examples from a threshold fitted on 2,000: sd ≈ √(0.16·0.84/2000) + √(0.16·0.84/4000) ≈ 0.014.
        Assert.True(Math.Abs(calibrated.TestCoverage - coverage) < 0.05, $"sets covered {calibrated.TestCoverage:F4}, calibrated for {coverage:F3}");
        Assert.True(calibrated.HeldOutExpectedCalibrationErrorAfter <= calibrated.HeldOutExpectedCalibrationErrorBefore + 0.01);

        // The saved network carries it, and predicts the same sets.
        using var loaded = Predictor<SmallClassifier>.Load(report.NetworkFile!);
        Assert.Equal(calibrated.Calibration, loaded.Calibration);
        var predictions = loaded.PredictBatch(test, samples: 4);
        long[] labels = test.Labels.data<long>().ToArray();
        Assert.Equal(calibrated.TestCoverage, predictions.Where((p, i) => p.PredictionSet!.Contains((int)labels[i])).Count() / (double)labels.Length, 12);

        // An ONNX consumer finds the temperature in the graph's metadata.
        using var session = new InferenceSession(report.OnnxFile!);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(calibrated.Calibration.Temperature, double.Parse(metadata["ibex.temperature"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(metadata.ContainsKey("ibex.label_temperatures") || metadata.ContainsKey("ibex.interval_quantiles"));
    }

    [Fact]
    public void ATwoTargetRunScoresAndCalibratesEachTargetInItsOwnUnits()
    {
        var random = new Random();
        int seed = random.Next(1, 1_000_000);
        // Target 1: 5000 + 1000·sin x₀ with noise 100; target 2: 0.01·x₁ with noise 0.002. Pooled, target 1 would drown target 2.
        float[][] x = Enumerable.Range(0, 3000).Select(_ => new[] { (float)(random.NextDouble() * 4 - 2), (float)(random.NextDouble() * 4 - 2) }).ToArray();
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        float[][] y = x.Select(r => new[] { (float)(5000 + 1000 * Math.Sin(r[0]) + 100 * Normal()), (float)(0.01 * r[1] + 0.002 * Normal()) }).ToArray();
        using var raw = LabeledData.FromRows(x, y);
        var (rawTrain, rawTest) = raw.Split(0.3, seed);
        using var _ = rawTrain;
        using var __ = rawTest;
        var statistics = TargetStandardizer.Fit(rawTrain);
        using var train = TargetStandardizer.Apply(statistics, rawTrain);
        using var test = TargetStandardizer.Apply(statistics, rawTest);
        torch.manual_seed(seed);
        using var network = new HeteroscedasticRegressor();
        double coverage = 0.8 + random.NextDouble() * 0.1;
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 40, BatchSize = 100, Seed = seed },
            OutputDirectory = Path.Combine(folder, "output"),
            MonteCarloSamples = 4,
            Calibration = new RunCalibration { HeldOutFraction = 0.3, Coverage = coverage },
            ExportOnnx = true,
        };

        using var run = new TrainingRun<HeteroscedasticRegressor>(network, options);
        var report = run.Run(train, test).Report!;
        var regression = report.Final.TestRegression!;
        Assert.Equal(2, regression.Count);
        double[] noise = { 100, 0.002 };
        for (int t = 0; t < 2; t++)
        {
            // Each target's RMSE is near its own noise (the noise-free function is within it), in its own units.
            Assert.InRange(regression[t].RootMeanSquaredError, 0.8 * noise[t], 1.6 * noise[t]);
            Assert.Equal(rawTest.Count, regression[t].Examples);
        }

        // 900 test examples: each target's coverage has a standard deviation of about √(0.16/630) + √(0.16/900) ≈ 0.03.
        var calibrated = report.Calibration!;
        Assert.Equal(2, calibrated.Calibration.IntervalQuantiles!.Count);
        Assert.All(calibrated.TestCoverageByTarget!, c => Assert.True(Math.Abs(c - coverage) < 0.08, $"a target covered {c:F3}, calibrated for {coverage:F3} (seed {seed})"));
        Assert.Equal(calibrated.TestCoverageByTarget!.Average(), calibrated.TestCoverage, 12);
        Assert.True(double.IsNaN(calibrated.TestMeanSize), "widths in different units have no mean");
        Assert.InRange(calibrated.TestMeanWidthByTarget![0] / calibrated.TestMeanWidthByTarget[1], 2e4, 2e5);

        string page = File.ReadAllText(Path.Combine(options.OutputDirectory, RunFiles.ReportPage));
        Assert.Contains("<th>target 2</th>", page);
        Assert.Contains("target 2: coverage on the test set", page);

        using var session = new InferenceSession(report.OnnxFile!);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(calibrated.Calibration.IntervalQuantiles, metadata["ibex.interval_quantiles"].Split(',').Select(q => double.Parse(q, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(coverage, double.Parse(metadata["ibex.interval_coverage"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AMultiLabelRunScoresEachLabelSoThatAnUnlearnableLabelShowsAsChance()
    {
        var random = new Random();
        int seed = random.Next(1, 1_000_000);
        // Label 1: x₀ > 0; label 2: x₁ + x₂ > 0.5 (rarer); label 3: a coin with p = 0.3 that no feature predicts.
        var (train, test) = MultiLabelData(3000, random, seed, r => new[] { r[0] > 0 ? 1f : 0f, r[1] + r[2] > 0.5 ? 1f : 0f, random.NextDouble() < 0.3 ? 1f : 0f });
        using var _ = train;
        using var __ = test;
        torch.manual_seed(seed);
        using var network = new MultiLabelNetwork();
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 30, BatchSize = 100, Seed = seed },
            OutputDirectory = Path.Combine(folder, "output"),
            MonteCarloSamples = 4,
        };

        using var run = new TrainingRun<MultiLabelNetwork>(network, options);
        var final = run.Run(train, test).Report!.Final;
        var labels = final.TestLabels!;
        Assert.Equal(3, labels.Count);
        float[] truth = test.TargetValues().Select(v => (float)v).ToArray();
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(test.Count, (long)labels[j].Examples);
            Assert.Equal(Enumerable.Range(0, (int)test.Count).Count(i => truth[i * 3 + j] == 1) / (double)test.Count, labels[j].Prevalence, 12);
            // Every label must be right for an exact match.
            Assert.True(final.TestMonteCarlo <= labels[j].Accuracy, $"exact match {final.TestMonteCarlo} above label {j + 1}'s accuracy {labels[j].Accuracy} (seed {seed})");
        }

        Assert.True(labels[0].AreaUnderRoc > 0.95 && labels[1].AreaUnderRoc > 0.9, $"AUROC {labels[0].AreaUnderRoc:F3}, {labels[1].AreaUnderRoc:F3} on learnable labels (seed {seed})");
        // ~900 test examples: a score that knows nothing has an AUROC of 0.5 with a standard deviation of about 0.02.
        Assert.True(Math.Abs(labels[2].AreaUnderRoc - 0.5) < 0.1, $"AUROC {labels[2].AreaUnderRoc:F3} on the coin (seed {seed})");
        Assert.True(labels[2].BrierScore > 0.18, $"Brier {labels[2].BrierScore:F3} on the coin, whose best is 0.21 (seed {seed})");

        var reloaded = RunReport.Load(Path.Combine(options.OutputDirectory, RunFiles.Report)).Final.TestLabels!;
        Assert.Equal(labels, reloaded);
        string page = File.ReadAllText(Path.Combine(options.OutputDirectory, RunFiles.ReportPage));
        Assert.Contains("<td>label 3</td>", page);
        Assert.Contains("<td>mean over labels</td>", page);
    }

    [Fact]
    public void ACalibratedMultiLabelRunSavesOneTemperaturePerLabel()
    {
        var random = new Random();
        int seed = random.Next(1, 1_000_000);
        var (train, test) = MultiLabelData(1500, random, seed, r => new[] { r[0] > 0 ? 1f : 0f, random.NextDouble() < 0.5 + 0.4 * r[1] ? 1f : 0f, r[2] > r[3] ? 1f : 0f });
        using var _ = train;
        using var __ = test;
        torch.manual_seed(seed);
        using var network = new MultiLabelNetwork();
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 20, BatchSize = 50, Seed = seed },
            OutputDirectory = Path.Combine(folder, "output"),
            MonteCarloSamples = 4,
            Calibration = new RunCalibration { HeldOutFraction = 0.3 },
            ExportOnnx = true,
        };

        using var run = new TrainingRun<MultiLabelNetwork>(network, options);
        var report = run.Run(train, test).Report!;
        var calibrated = report.Calibration!;
        Assert.Equal(3, calibrated.Calibration.LabelTemperatures!.Count);
        Assert.All(calibrated.Calibration.LabelTemperatures, t => Assert.InRange(t, TemperatureScaling.MinTemperature, TemperatureScaling.MaxTemperature));
        Assert.InRange(calibrated.HeldOutExpectedCalibrationErrorBefore, 0, 1);
        Assert.InRange(calibrated.HeldOutExpectedCalibrationErrorAfter, 0, 1);
        Assert.True(double.IsNaN(calibrated.TestCoverage), "a multi-label network has no sets or intervals to cover");
        Assert.Equal(3, report.Final.TestLabels!.Count);

        // The saved network carries the temperatures, and the report's test scores are the calibrated predictive's.
        using var loaded = Predictor<MultiLabelNetwork>.Load(Path.Combine(options.OutputDirectory, RunFiles.Network));
        Assert.Equal(calibrated.Calibration, loaded.Calibration);
        var predictions = loaded.PredictLabels(test, options.MonteCarloSamples);
        var scores = MultiLabelEvaluation.Evaluate(predictions.Select(p => p.Probabilities).ToArray(), test.PresentLabels());
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(scores[j].NegativeLogLikelihood, report.Final.TestLabels[j].NegativeLogLikelihood, 1e-6);
            Assert.Equal(scores[j].ExpectedCalibrationError, report.Final.TestLabels[j].ExpectedCalibrationError, 1e-6);
        }

        string page = File.ReadAllText(Path.Combine(options.OutputDirectory, RunFiles.ReportPage));
        Assert.Contains("<td>label 3: temperature T</td>", page);

        // The ONNX graph gives the mean network's scores z; with its metadata, σ(z_j / T_j) is the calibrated mean network.
        using var session = new InferenceSession(report.OnnxFile!);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        var temperatures = metadata["ibex.label_temperatures"].Split(',').Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(calibrated.Calibration.LabelTemperatures, temperatures);
        Assert.Equal(options.MonteCarloSamples.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["ibex.calibration_samples"]);
        Assert.False(metadata.ContainsKey("ibex.temperature"));
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(test.Features.data<float>().ToArray(), new[] { (int)test.Count, 8 });
        using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input) });
        var scoresOut = outputs.First().AsEnumerable<float>().ToArray();
        var meanNetwork = loaded.PredictLabels(test, samples: 0);
        for (int i = 0; i < meanNetwork.Count; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double expected = 1 / (1 + Math.Exp(-scoresOut[i * 3 + j] / temperatures[j]));
                Assert.Equal(expected, meanNetwork[i].Probabilities[j], 1e-5);
            }
        }
    }

    [Fact]
    public void EveryStageRunsAndTheFilesAgreeWithTheReport()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        using var all = SyntheticClusters.Create(1200, 16, 4, seed, separation: 2.0);
        var (train, test) = all.Split(1.0 / 6, seed);
        using var _ = train;
        using var __ = test;
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        var watcher = new Watcher();
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 3, BatchSize = 50, Seed = seed },
            OutputDirectory = Path.Combine(folder, "output"),
            CheckpointDirectory = Path.Combine(folder, "checkpoints"),
            MonteCarloSamples = 8,
            ExportOnnx = true,
            Prune = new RunPruning { FineTuneEpochs = 1 },
            DataDescription = "separated clusters",
        };

        using var run = new TrainingRun<SmallClassifier>(network, options, watcher);
        var result = run.Run(train, test);

        Assert.True(result.Completed);
        var report = Assert.IsType<RunReport>(result.Report);
        Assert.Equal(3, report.Epochs.Count);
        Assert.Equal(new[] { "starting", "training", "epoch 1", "epoch 2", "epoch 3", "pruned", "finished" }, watcher.Events.Where(e => !e.StartsWith("checkpoint", StringComparison.Ordinal)));
        Assert.True(report.Final.TestMeanNetwork > 0.8, $"test accuracy {report.Final.TestMeanNetwork} on separated clusters");
        Assert.Equal(report.Epochs[^1].TestAccuracy, report.Final.TestMeanNetwork, 12);
        Assert.InRange(report.Final.TestMonteCarlo, 0.5, 1.0);
        // The predictive's calibration scores the same predictions as its accuracy.
        var calibration = Assert.IsType<ClassificationCalibration>(report.Final.TestCalibration);
        Assert.Equal(test.Count, calibration.Examples);
        Assert.Equal(report.Final.TestMonteCarlo, calibration.Accuracy, 12);
        Assert.InRange(calibration.ExpectedCalibrationError, 0, 1);
        Assert.Equal(Calibration.DefaultBins, calibration.Reliability.Count);
        Assert.InRange(report.Final.TestAreaUnderRiskCoverage, 0, 1 - report.Final.TestMonteCarlo + 1e-12);

        // The saved network is the trained one: loaded afresh, it measures the same.
        using var loaded = new SmallClassifier();
        NetworkFile.Load(loaded, report.NetworkFile!);
        Assert.Equal(report.Final.TestMeanNetwork, InformationTrainer.Evaluate(loaded, test), 12);

        // report.json holds what the run returned.
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(options.OutputDirectory, RunFiles.Report)));
        Assert.Equal(report.Final.TestMeanNetwork, json.RootElement.GetProperty("final").GetProperty("testMeanNetwork").GetDouble(), 12);
        Assert.Equal(3, json.RootElement.GetProperty("settings").GetProperty("epochs").GetInt32());
        Assert.Equal("separated clusters", json.RootElement.GetProperty("dataSource").GetString());
        Assert.Equal(calibration.ExpectedCalibrationError, json.RootElement.GetProperty("final").GetProperty("testCalibration").GetProperty("expectedCalibrationError").GetDouble(), 12);
        Assert.Equal(calibration, RunReport.Load(Path.Combine(options.OutputDirectory, RunFiles.Report)).Final.TestCalibration! with { Reliability = calibration.Reliability });

        // The ONNX file is the mean network: ONNX Runtime's scores pick the same classes as the network.
        using var session = new InferenceSession(report.OnnxFile!);
        var features = test.Features.data<float>().ToArray();
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(features, new[] { (int)test.Count, 16 });
        using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input) });
        var scores = outputs.First().AsTensor<float>();
        long agree = 0;
        long[] labels = test.Labels.data<long>().ToArray();
        for (int i = 0; i < test.Count; i++)
        {
            int best = Enumerable.Range(0, 4).MaxBy(c => scores[i, c]);
            agree += best == labels[i] ? 1 : 0;
        }

        Assert.Equal(report.Final.TestMeanNetwork, agree / (double)test.Count, 6);

        var pruning = Assert.IsType<PruningOutcome>(report.Pruning);
        Assert.Equal(1, pruning.FineTuneEpochs);
        Assert.True(File.Exists(pruning.OnnxFile));
        Assert.True(File.Exists(Path.Combine(options.CheckpointDirectory, CheckpointStore.FileName)));
    }

    [Fact]
    public void AfterFineTuningThePrunedAccuracyIsThatOfThePrunedOnnxFile()
    {
        // A strong β keeps raising log α while the pruned network fine-tunes, so that more weights pass the threshold
        // then; the report's pruned accuracy must be that of the graph exported, which is pruned again after fine-tuning.
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        using var all = SyntheticClusters.Create(1200, 16, 4, seed, separation: 1.0);
        var (train, test) = all.Split(1.0 / 4, seed);
        using var _ = train;
        using var __ = test;
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 1, BatchSize = 50, Seed = seed, Beta = 3, LogAlphaLearningRate = 0.01 },
            OutputDirectory = Path.Combine(folder, "output"),
            MonteCarloSamples = 0,
            Prune = new RunPruning { FineTuneEpochs = 8, Initializers = Ibex.Runtime.Export.OnnxInitializers.Dense },
        };
        using var run = new TrainingRun<SmallClassifier>(network, options);
        var pruning = run.Run(train, test).Report!.Pruning!;

        using var session = new InferenceSession(pruning.OnnxFile!);
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(test.Features.data<float>().ToArray(), new[] { (int)test.Count, 16 });
        using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input) });
        var scores = outputs.First().AsTensor<float>();
        long[] labels = test.Labels.data<long>().ToArray();
        int classes = (int)(scores.Length / test.Count);
        long correct = Enumerable.Range(0, (int)test.Count).Count(i => Enumerable.Range(0, classes).MaxBy(c => scores[i, c]) == labels[i]);
        Assert.Equal(correct / (double)test.Count, pruning.TestMeanNetwork, 9);
    }

    [Fact]
    public void AnObserverThatAsksToStopEndsTrainingAsFinishedAndTheRunGoesOn()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        using var train = SyntheticClusters.Create(400, 16, 4, seed, separation: 2.0);
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        int stopAfter = Random.Shared.Next(1, 4);
        var stopper = new StopAfter(stopAfter);

        using var run = new TrainingRun<SmallClassifier>(network, new TrainingRunOptions { Training = new TrainingSettings { Epochs = 10, BatchSize = 50 }, MonteCarloSamples = 0 }, stopper);
        var result = run.Run(train);

        Assert.True(result.Completed);
        Assert.Equal(stopAfter, result.Training.Reports.Count);
        Assert.Equal(stopAfter + 1, result.Training.StoppedAtEpoch);
        Assert.NotNull(result.Report);
        Assert.Null(result.Report!.NetworkFile);
        Assert.False(Directory.Exists(folder), "a run with no output folder writes nothing");
    }

    [Fact]
    public void EarlyStoppingWaitsPatienceEpochsWithoutImprovement()
    {
        var rule = new EarlyStopping(patience: 2, minimumImprovement: 0.01);
        double[] accuracies = { 0.50, 0.60, 0.605, 0.70, 0.69, 0.705 };
        var stops = new List<bool>();
        for (int epoch = 1; epoch <= accuracies.Length; epoch++)
        {
            rule.OnEpochCompleted(new EpochReport(epoch, 1.0, 1.0, 0.1, 0.5, accuracies[epoch - 1], 1.0));
            stops.Add(rule.StopRequested);
        }

        // 0.605 and 0.69 are not 0.01 better than the best before them; 0.705 is not better than 0.70 by 0.01 either.
        Assert.Equal(new[] { false, false, false, false, false, true }, stops);
        Assert.Equal(4, rule.BestEpoch);

        // Without a test set it watches the training loss: lower is better.
        var onLoss = new EarlyStopping(patience: 1);
        onLoss.OnEpochCompleted(new EpochReport(1, 2.0, 2.0, 0, 0, double.NaN, 1));
        onLoss.OnEpochCompleted(new EpochReport(2, 1.0, 1.0, 0, 0, double.NaN, 1));
        Assert.False(onLoss.StopRequested);
        onLoss.OnEpochCompleted(new EpochReport(3, 1.5, 1.5, 0, 0, double.NaN, 1));
        Assert.True(onLoss.StopRequested);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: 0));
    }

    [Fact]
    public void OptionsThatCannotWorkAreRefusedBeforeAnything()
    {
        using var network = new SmallClassifier();
        var error = Assert.Throws<ArgumentException>(() => new TrainingRun<SmallClassifier>(network, new TrainingRunOptions { ExportOnnx = true }));
        Assert.Contains("ExportOnnx needs an OutputDirectory", error.Message);
        error = Assert.Throws<ArgumentException>(() => new TrainingRun<SmallClassifier>(network, new TrainingRunOptions { MonteCarloSamples = -1 }));
        Assert.Contains("MonteCarloSamples = -1", error.Message);
    }

    [Fact]
    public void ADenseRunTrainsTheMeanNetworkAloneAndAWarmStartBeginsFromIt()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        using var all = SyntheticClusters.Create(900, 16, 4, seed, separation: 2.0);
        var (train, test) = all.Split(1.0 / 6, seed);
        using var _ = train;
        using var __ = test;
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        var initialLogAlpha = network.StochasticLayers().Select(l => l.LogAlpha.detach().clone()).ToArray();
        var dense = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 3, BatchSize = 50, Seed = seed, Dense = true },
            OutputDirectory = Path.Combine(folder, "dense"),
            MonteCarloSamples = 0,
        };
        RunReport denseReport;
        using (var run = new TrainingRun<SmallClassifier>(network, dense))
        {
            denseReport = run.Run(train, test).Report!;
        }

        // Only the means trained: every log α is where it started, and the loss is the cross-entropy alone.
        foreach (var (layer, initial) in network.StochasticLayers().Zip(initialLogAlpha))
        {
            Assert.True(layer.LogAlpha.detach().equal(initial).all().item<bool>(), $"log α of {layer.Layer} moved in a dense run");
            initial.Dispose();
        }

        Assert.All(denseReport.Epochs, e => Assert.Equal(e.CrossEntropy, e.Loss, 12));
        Assert.True(denseReport.Final.TestMeanNetwork > 0.8, $"dense test accuracy {denseReport.Final.TestMeanNetwork} on separated clusters");

        // A stochastic run warm-started from it starts from exactly those weights.
        torch.manual_seed(seed + 1);
        using var warm = new SmallClassifier();
        var start = new StartingWeights(warm);
        var stochastic = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = 1, BatchSize = 50, Seed = seed },
            WarmStart = denseReport.NetworkFile,
            MonteCarloSamples = 0,
        };
        using (var run = new TrainingRun<SmallClassifier>(warm, stochastic, start))
        {
            run.Run(train, test);
        }

        var expected = network.state_dict();
        Assert.Equal(expected.Keys.Order(), start.Weights.Keys.Order());
        foreach (var (name, tensor) in start.Weights)
        {
            Assert.True(tensor.equal(expected[name]).all().item<bool>(), $"{name} does not start from the dense run's value");
        }

        var missing = Assert.Throws<ArgumentException>(() => new TrainingRun<SmallClassifier>(warm, stochastic with { WarmStart = Path.Combine(folder, "none.ibexnet") }));
        Assert.Contains("WarmStart", missing.Message);
    }

    /// <summary><paramref name="count"/> examples of 8 features uniform in [−1, 1], labelled by <paramref name="labels"/>, split 70/30.</summary>
    private static (LabeledData Train, LabeledData Test) MultiLabelData(int count, Random random, int seed, Func<float[], float[]> labels)
    {
        float[][] x = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        using var data = LabeledData.FromRows(x, x.Select(labels).ToArray());
        return data.Split(0.3, seed);
    }

    /// <summary>The network's weights when the run starts (after any warm start), copied.</summary>
    private sealed class StartingWeights(InformationNetwork network) : IRunObserver
    {
        public Dictionary<string, torch.Tensor> Weights { get; } = new();

        public void OnRunStarting(RunStart start)
        {
            foreach (var (name, tensor) in network.state_dict())
            {
                Weights[name] = tensor.detach().clone();
            }
        }
    }

    private sealed class Watcher : IRunObserver
    {
        public List<string> Events { get; } = new();

        public void OnRunStarting(RunStart start) => Events.Add("starting");

        public void OnTrainingStarted(TrainingStart start) => Events.Add("training");

        public void OnEpochCompleted(EpochReport report) => Events.Add($"epoch {report.Epoch}");

        public void OnCheckpointWritten(string path, int epoch, long nextBatch) => Events.Add("checkpoint");

        public void OnPruned(PruningOutcome outcome) => Events.Add("pruned");

        public void OnRunFinished(RunResult result) => Events.Add("finished");
    }

    private sealed class StopAfter(int epochs) : ITrainingObserver
    {
        private int seen;

        public bool StopRequested => seen >= epochs;

        public void OnEpochCompleted(EpochReport report) => seen++;
    }
}
