using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Ibex.Runtime;
using Ibex.Runtime.Compression;
using Ibex.Runtime.Data;
using Ibex.Runtime.Export;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.IO;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;
using TorchSharp;

namespace Ibex.Examples.Compression;

/// <summary>What one compression run measured: a row of docs/results/compression.csv and its per-layer rows.</summary>
public sealed record CompressionRow(string Network, string Noise, int Epochs, double DenseTestAccuracy, double TestAccuracy, double Compression,
    string RemainingUnits, long OnnxBytesDense, long OnnxBytesPruned, double OrtMsDenseBatch1, double OrtMsPrunedBatch1, double OrtMsDenseBatch256,
    double OrtMsPrunedBatch256, double OrtTestAccuracyPruned, IReadOnlyList<LayerPruning> Layers, string Command, int FineTuneEpochs = 0, double Beta = 1.0);

/// <summary>
/// Sparse Variational Dropout's recipe (Molchanov, Ashukha &amp; Vetrov, ICML 2017, §5) as run options, nothing of its own:
/// a dense run (<see cref="TrainingSettings.Dense"/>, the baseline), then a stochastic run warm-started from it
/// (<see cref="TrainingRunOptions.WarmStart"/>) with β warmed up from 0 over the first tenth of the epochs, Adam with a
/// cosine-decayed learning rate, log α clamped to its bounds as always, and pruning at the default threshold
/// (<see cref="PruningThresholds"/>); both with the same number of epochs. Each phase checkpoints every epoch and resumes.
/// Then the dense and the pruned ONNX files are timed in ONNX Runtime, and the pruned one is checked against the run.
/// </summary>
internal static class CompressionRun
{
    public static CompressionRow Run<TNetwork>(string name, string noise, int epochs, string output, int traceEvery, int fineTuneEpochs, long seed, double? beta, string command)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        Directory.CreateDirectory(output);
        using var train = FashionMnist.LoadTrain();
        using var test = FashionMnist.LoadTest();
        string denseFolder = Path.Combine(output, "dense");
        string sparseFolder = Path.Combine(output, "sparse");
        var settings = new TrainingSettings { Epochs = epochs, BatchSize = 128, Schedule = LearningRateSchedule.Cosine, Seed = seed };

        Console.WriteLine($"{name}, {noise} noise: dense phase, {epochs} epochs → {denseFolder}");
        var dense = Phase<TNetwork>(train, test, new TrainingRunOptions
        {
            Training = settings with { Dense = true },
            CheckpointDirectory = Path.Combine(denseFolder, "checkpoints"),
            OutputDirectory = denseFolder,
            MonteCarloSamples = 0,
            ExportOnnx = true,
            DataDescription = "Fashion-MNIST",
        }, trace: null);

        Console.WriteLine($"{name}, {noise} noise: stochastic phase from the dense network, {epochs} epochs → {sparseFolder}");
        var sparse = Phase<TNetwork>(train, test, new TrainingRunOptions
        {
            Training = settings with { BetaWarmupEpochs = Math.Max(1, epochs / 10), Beta = beta },
            WarmStart = Path.Combine(denseFolder, RunFiles.Network),
            CheckpointDirectory = Path.Combine(sparseFolder, "checkpoints"),
            OutputDirectory = sparseFolder,
            MonteCarloSamples = 0,
            ExportOnnx = true,
            Prune = new RunPruning { FineTuneEpochs = fineTuneEpochs, Initializers = OnnxInitializers.Sparse },
            DataDescription = "Fashion-MNIST",
        }, trace: (Path.Combine(sparseFolder, "trace.csv"), traceEvery));
        var pruning = sparse.Pruning ?? throw new InvalidOperationException("the stochastic phase did not prune");

        // The pruned ONNX file computes the pruned network: its test accuracy in ONNX Runtime is the run's.
        float[] features = Features(test);
        int perExample = features.Length / (int)test.Count;
        int[] Shape(int batch) => new[] { batch }.Concat(InputShape<TNetwork>()).ToArray();
        double ortAccuracy = OrtAccuracy(pruning.OnnxFile!, features, test.Labels.data<long>().ToArray(), perExample, Shape);
        if (Math.Abs(ortAccuracy - pruning.TestMeanNetwork) > 2.0 / test.Count)
        {
            throw new InvalidOperationException($"The pruned ONNX file scores {ortAccuracy:F4} on the test set in ONNX Runtime, the pruned network {pruning.TestMeanNetwork:F4}.");
        }

        string denseOnnx = dense.OnnxFile!;
        var batch1 = OnnxLatency.Compare(denseOnnx, pruning.OnnxFile!, features[..perExample], Shape(1));
        var batch256 = OnnxLatency.Compare(denseOnnx, pruning.OnnxFile!, features[..(256 * perExample)], Shape(256));

        if (typeof(TNetwork).Name.StartsWith("LeNet5", StringComparison.Ordinal))
        {
            using var network = TNetwork.Create(null);
            NetworkFile.Load(network, Path.Combine(sparseFolder, RunFiles.Network));
            Filters.Draw(network, "Conv1", Path.Combine(output, "conv1-filters.png"));
        }

        var layers = pruning.Report.Layers;
        var row = new CompressionRow(name, noise, epochs, dense.Final.TestMeanNetwork, pruning.TestMeanNetwork, pruning.Report.CompressionRatio,
            string.Join("; ", layers.Select(l => $"{l.Layer} {l.KeptUnits}/{l.Units}")), new FileInfo(denseOnnx).Length, new FileInfo(pruning.OnnxFile!).Length,
            batch1.First, batch1.Second, batch256.First, batch256.Second, ortAccuracy, layers, command, fineTuneEpochs, sparse.Beta);
        AtomicFile.WriteAllBytes(Path.Combine(output, "row.json"), JsonSerializer.SerializeToUtf8Bytes(row, CompressionJson.Default.CompressionRow));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}, {noise}: {row.Compression:F1}× fewer weights, test accuracy {row.TestAccuracy:F4} (dense {row.DenseTestAccuracy:F4}); ONNX {row.OnnxBytesDense:N0} → {row.OnnxBytesPruned:N0} bytes; " +
            $"ONNX Runtime batch 1 {row.OrtMsDenseBatch1:F3} → {row.OrtMsPrunedBatch1:F3} ms, batch 256 {row.OrtMsDenseBatch256:F2} → {row.OrtMsPrunedBatch256:F2} ms"));
        return row;
    }

    private static RunReport Phase<TNetwork>(LabeledData train, LabeledData test, TrainingRunOptions options, (string Path, int Every)? trace)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        string reportPath = Path.Combine(options.OutputDirectory!, RunFiles.Report);
        if (File.Exists(reportPath) && File.Exists(Path.Combine(options.OutputDirectory!, RunFiles.Network)))
        {
            var done = RunReport.Load(reportPath);
            if (done.Epochs.Count == options.Training.Epochs)
            {
                Console.WriteLine($"  {reportPath} holds the finished phase: kept.");
                return done;
            }
        }

        torch.manual_seed(options.Training.Seed);
        using var network = TNetwork.Create(null);
        var observers = new List<ITrainingObserver> { new EpochLines(), new ConsoleProgress() };
        if (trace is { } t)
        {
            observers.Add(new CompressionTrace<TNetwork>(network, test, t.Path, t.Every));
        }

        using var run = new TrainingRun<TNetwork>(network, options, observers);
        var result = run.Run(train, test);
        return result.Report ?? throw new InvalidOperationException("the phase stopped before its report");
    }

    private static float[] Features(LabeledData data)
    {
        using var features = data.Features.cpu().contiguous();
        return features.data<float>().ToArray();
    }

    private static int[] InputShape<TNetwork>()
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        using var network = TNetwork.Create(null);
        return network.Description.InputShape.Select(d => (int)d).ToArray();
    }

    private static double OrtAccuracy(string onnx, float[] features, long[] labels, int perExample, Func<int, int[]> shape)
    {
        long correct = 0;
        const int chunk = 1000;
        for (int start = 0; start < labels.Length; start += chunk)
        {
            int count = Math.Min(chunk, labels.Length - start);
            float[] scores = OnnxLatency.Scores(onnx, features[(start * perExample)..((start + count) * perExample)], shape(count));
            int classes = scores.Length / count;
            for (int i = 0; i < count; i++)
            {
                int best = 0;
                for (int c = 1; c < classes; c++)
                {
                    best = scores[i * classes + c] > scores[i * classes + best] ? c : best;
                }

                correct += best == labels[start + i] ? 1 : 0;
            }
        }

        return correct / (double)labels.Length;
    }

    /// <summary>One line per epoch, for the log of a background run.</summary>
    private sealed class EpochLines : ITrainingObserver
    {
        public void OnEpochCompleted(EpochReport report)
            => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  epoch {report.Epoch}: loss {report.Loss:F4}, CE {report.CrossEntropy:F4}, Ĩ/N {report.InformationPerSample:F4} nats, train {report.TrainAccuracy:F4}, test {report.TestAccuracy:F4}, {report.Seconds:F1} s"));
    }
}
