using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Examples;
using Ibex.Runtime;
using Ibex.Runtime.Native;
using Ibex.Runtime.Data;
using Ibex.Runtime.Export;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Runs;
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
    // --calibrate holds the last 5,000 training images out: the temperature and the prediction sets are fitted on them.
    using var heldOut = options.Calibrate ? (inMemory ?? throw new ArgumentException("--calibrate needs the training set in memory (--source idx, csv or images).")).Slice(inMemory.Count - 5000, 5000) : null;
    using var kept = options.Calibrate ? inMemory!.Take(inMemory.Count - 5000) : null;
    train = (ITrainingSet?)kept ?? train;
    using var test = options.Source switch
    {
        "csv" or "stream" => CsvData.Load(Path.Combine(options.DataDirectory, "test.csv")),
        "images" => ImageFolder.Load(Path.Combine(options.DataDirectory, "test"), imageShape, inMemory!.ClassNames),
        _ => FashionMnist.LoadTest(options.DataDirectory),
    };

    torch.manual_seed(options.Seed);
    return options.Network switch
    {
        "cnn" => Train<FashionCnn>(options, train, test, heldOut),
        "vgg" => Train<FashionVgg>(options, train, test, heldOut),
        "lenet300" => Train<FashionLeNet300>(options, train, test, heldOut),
        _ => Train<FashionMlp>(options, train, test, heldOut),
    };
}

static int Train<TNetwork>(ExampleOptions options, ITrainingSet train, LabeledData test, LabeledData? heldOut)
    where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
{
    using var network = TNetwork.Create(null);
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
    var runOptions = new TrainingRunOptions
    {
        Training = settings,
        OutputDirectory = options.Output,
        MonteCarloSamples = 0,
        ExportOnnx = options.Onnx,
        Prune = options.Prune ? new RunPruning { Initializers = OnnxInitializers.Sparse } : null,
        DataDescription = $"Fashion-MNIST ({options.Source}) from {options.DataDirectory}",
        TensorBoard = options.TensorBoard is { } logs ? new TensorBoardOptions { Directory = logs } : null,
    };
    using var run = new TrainingRun<TNetwork>(network, runOptions, new ConsoleReport(), new ConsoleProgress());
    var description = network.Description;
    Console.WriteLine($"{description.Name}: input [{string.Join(", ", description.InputShape)}], {description.StochasticWeightCount:N0} stochastic weights, " +
                      $"β = {run.Beta.ToString(CultureInfo.InvariantCulture)}, N = {train.Count:N0}, α_max = {description.Information.AlphaMax.ToString(CultureInfo.InvariantCulture)}");

    var clock = System.Diagnostics.Stopwatch.StartNew();
    var report = run.Run(train, test).Report!;
    Console.WriteLine($"Final test accuracy (mean network, {test.Count:N0} images): {report.Final.TestMeanNetwork.ToString("F4", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"Final Ĩ(w;D)/N: {report.InformationPerSample.ToString("F4", CultureInfo.InvariantCulture)} nats per sample");
    if (options.OutOfDistribution)
    {
        OutOfDistribution.Report(network, test, examples: 2000, samples: 16);
    }

    if (heldOut is not null)
    {
        CalibrationReport.Write(network, heldOut, test, samples: 16, options.Output);
    }

    Console.WriteLine($"Wrote {report.NetworkFile}, {RunFiles.Report}, {RunFiles.ReportPage}" + (report.OnnxFile is null ? "" : $", {RunFiles.Onnx}") + (report.Pruning?.OnnxFile is null ? "" : $", {RunFiles.PrunedOnnx}") + $" in {Path.GetFullPath(options.Output)}");
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
