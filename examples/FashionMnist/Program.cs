using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Examples;
using Ibex.Runtime;
using Ibex.Runtime.Compression;
using Ibex.Runtime.Data;
using Ibex.Runtime.Export;
using Ibex.Runtime.Training;
using TorchSharp;

// Trains the stochastic MLP declared in FashionMlp.cs (or, with --network cnn, the stochastic CNN with Information Dropout
// declared in FashionCnn.cs) on Fashion-MNIST with the IB Lagrangian, loss = mean CE + (β/N)·information, and reports the
// mean network's accuracy on the 10,000 test images.
// A bad option or a missing or malformed data file is one line and exit code 2, not a stack trace.
ExampleOptions options;
try
{
    options = ExampleOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

try
{
    return Run(options);
}
catch (DatasetException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Run(ExampleOptions options)
{
    TorchNative.EnsureLoaded();
    torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));

    Console.WriteLine($"Loading Fashion-MNIST ({options.Source}) from {options.DataDirectory}");
    int[] imageShape = { 1, 28, 28 };
    using var inMemory = options.Source switch
    {
        "stream" => null,
        "csv" => CsvData.Load(Path.Combine(options.DataDirectory, "train.csv")),
        "images" => ImageFolder.Load(Path.Combine(options.DataDirectory, "train"), imageShape),
        _ => FashionMnist.LoadTrain(options.DataDirectory),
    };
    ITrainingSet train = (ITrainingSet?)inMemory ?? StreamingData.FromCsvFiles(TrainingShards(options.DataDirectory));
    using var test = options.Source switch
    {
        "csv" or "stream" => CsvData.Load(Path.Combine(options.DataDirectory, "test.csv")),
        "images" => ImageFolder.Load(Path.Combine(options.DataDirectory, "test"), imageShape, inMemory!.ClassNames),
        _ => FashionMnist.LoadTest(options.DataDirectory),
    };

    torch.manual_seed(options.Seed);
    using InformationNetwork network = options.Network switch
    {
        "cnn" => new FashionCnn(),
        "vgg" => new FashionVgg(),
        "lenet300" => new FashionLeNet300(),
        _ => new FashionMlp(),
    };
    var settings = new TrainingSettings
    {
        Epochs = options.Epochs ?? (options.Network == "mlp" ? 20 : 12),
        BatchSize = 128,
        Schedule = LearningRateSchedule.Cosine,
        Beta = options.Beta,
        Seed = options.Seed,
        EvaluationMemoryBudgetBytes = options.EvaluationBudgetMiB << 20,
        // β = 1 from the first step would prune before the network has learnt anything (Sparse VD warms the KL up too).
        BetaWarmupEpochs = options.Network == "lenet300" ? 5 : 0,
    };
    var trainer = new InformationTrainer(network, settings);
    var description = network.Description;
    train.Validate(description, "training data");
    Console.WriteLine($"{description.Name}: input [{string.Join(", ", description.InputShape)}], {description.StochasticWeightCount:N0} stochastic weights, " +
                      $"β = {trainer.Beta.ToString(CultureInfo.InvariantCulture)}, N = {train.Count:N0}, α_max = {description.Information.AlphaMax.ToString(CultureInfo.InvariantCulture)}");
    Console.WriteLine("epoch  cross-entropy  Ĩ(w;D)/N [nats/sample]  train acc  test acc  seconds");

    var clock = System.Diagnostics.Stopwatch.StartNew();
    var reports = trainer.Fit(train, test, report => Console.WriteLine(
        $"{report.Epoch,5}  {report.CrossEntropy,13:F4}  {report.InformationPerSample,22:F4}  {report.TrainAccuracy,9:F4}  {report.TestAccuracy,8:F4}  {report.Seconds,7:F1}"));

    var last = reports[^1];
    Console.WriteLine($"Final test accuracy (mean network, {test.Count:N0} images): {last.TestAccuracy.ToString("F4", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"Final Ĩ(w;D)/N: {last.InformationPerSample.ToString("F4", CultureInfo.InvariantCulture)} nats per sample");
    if (options.OutOfDistribution)
    {
        switch (network)
        {
            case FashionCnn cnn:
                OutOfDistribution.Report(cnn, test, examples: 2000, samples: 16);
                break;
            case FashionVgg vgg:
                OutOfDistribution.Report(vgg, test, examples: 2000, samples: 16);
                break;
            default:
                OutOfDistribution.Report((FashionMlp)network, test, examples: 2000, samples: 16);
                break;
        }
    }

    var graph = network.ToMeanGraph();
    if (options.Prune)
    {
        var pruned = NetworkPruner.Prune(network);
        Console.WriteLine("layer      noise     threshold   weights      kept   fewer   units kept   nats kept");
        foreach (var layer in pruned.Report.Layers)
        {
            Console.WriteLine($"{layer.Layer,-10} {layer.Noise,-9} {layer.Threshold,9:F3} {layer.Weights,9:N0} {layer.KeptWeights,9:N0} {layer.CompressionRatio,6:F1}× {layer.KeptUnits,5}/{layer.Units,-5} {layer.KeptNats,10:N0} of {layer.Nats:N0}");
        }

        var report = pruned.Report;
        Console.WriteLine($"Pruned: {report.KeptWeights:N0} of {report.Weights:N0} weights kept ({report.CompressionRatio.ToString("F1", CultureInfo.InvariantCulture)}× fewer), " +
                          $"{report.KeptNats:N0} of {report.Nats:N0} nats, multiply-adds {report.KeptMultiplyAdds:N0} of {report.MultiplyAdds:N0}" +
                          (report.RemovedUnits.Count > 0 ? $"; removed {string.Join(", ", report.RemovedUnits)}" : ""));
        foreach (var mask in NetworkPruner.ApplyMask(network, new PruningOptions()).Values)
        {
            mask.Dispose();
        }

        double prunedAccuracy = InformationTrainer.Evaluate(network, test, 2000);
        Console.WriteLine($"Pruned mean network test accuracy: {prunedAccuracy.ToString("F4", CultureInfo.InvariantCulture)} (unpruned {last.TestAccuracy.ToString("F4", CultureInfo.InvariantCulture)})");
        graph = pruned.Graph;
    }

    if (options.OnnxFile is { } onnxFile)
    {
        var initializers = options.Prune ? OnnxInitializers.Sparse : OnnxInitializers.Dense;
        OnnxExport.Save(graph, onnxFile, new OnnxExportOptions { Initializers = initializers, TrainingSetSize = train.Count });
        Console.WriteLine($"Wrote {onnxFile} ({new FileInfo(onnxFile).Length:N0} bytes, {initializers.ToString().ToLowerInvariant()} weights)");
    }

    Console.WriteLine($"Training and evaluation took {clock.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min on {Environment.ProcessorCount} cores");
    return 0;
}

static string[] TrainingShards(string directory)
{
    string shards = Path.Combine(directory, "train-shards");
    return Directory.Exists(shards)
        ? Directory.GetFiles(shards, "*.csv").Order(StringComparer.Ordinal).ToArray()
        : new[] { Path.Combine(directory, "train.csv") };
}
