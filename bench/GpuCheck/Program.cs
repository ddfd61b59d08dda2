using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Ibex.Bench.GpuCheck;
using Ibex.Examples;
using Ibex.Runtime;
using Ibex.Runtime.Native;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;

// The .NET half of scripts/gpu-check.sh. Verbs:
//   symbols <libtorch-folder>                                       which LibTorchSharp symbols that libtorch lacks
//   train <mlp|cnn> <cpu|cuda> <data-folder> <train-size> <epochs> <seed> <json-out>
//   parity <mlp|cnn> <cuda> <data-folder> <seed> <json-out>         the same weights on the CPU and the device, compared
//   time <cpu|cuda> <batch> <steps> <json-out>                      median milliseconds of one training step (MLP)
// With IBEX_LIBTORCH_PATH set, libtorch comes from that folder (for example a pip PyTorch's torch/lib).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: symbols DIR | train NETWORK DEVICE DATA N EPOCHS SEED JSON | parity NETWORK DEVICE DATA SEED JSON | time DEVICE BATCH STEPS JSON");
    return 2;
}

switch (args[0])
{
    case "symbols":
    {
        var report = LibTorchCompatibility.Check(TorchNative.FindBridgeLibrary() ?? throw new FileNotFoundException(TorchNative.BridgeLibraryName), args[1]);
        Console.WriteLine($"libtorch folder: {report.Folder}");
        Console.WriteLine($"libtorch version: {report.Version} (TorchSharp 0.107.0 was built for {LibTorchCompatibility.ExpectedVersion})");
        Console.WriteLine($"libraries: {string.Join(", ", report.Libraries)}");
        Console.WriteLine($"LibTorchSharp symbols missing there: {report.MissingSymbols.Count}");
        foreach (var symbol in report.MissingSymbols)
        {
            Console.WriteLine("  " + symbol);
        }

        return report.SymbolsResolve ? 0 : 3;
    }

    case "train":
    {
        TorchNative.EnsureLoaded();
        var device = TorchDevices.Resolve(args[2]);
        using var full = FashionMnist.LoadTrain(args[3]);
        using var train = full.Take(int.Parse(args[4], CultureInfo.InvariantCulture));
        using var test = FashionMnist.LoadTest(args[3]);
        long seed = long.Parse(args[6], CultureInfo.InvariantCulture);
        using var network = CheckNetworks.SameWeightsOn(args[1], device, seed);
        var settings = new TrainingSettings { Epochs = int.Parse(args[5], CultureInfo.InvariantCulture), BatchSize = 128, Seed = seed, Schedule = LearningRateSchedule.Cosine };
        var clock = Stopwatch.StartNew();
        var reports = new InformationTrainer(network, settings).Fit(train, test, report =>
            Console.WriteLine($"[{args[1]} on {args[2]}] epoch {report.Epoch}: cross-entropy {report.CrossEntropy:F4}, Ĩ/N {report.InformationPerSample:F4}, train {report.TrainAccuracy:F4}, test {report.TestAccuracy:F4}, {report.Seconds:F1} s"));
        var result = new Dictionary<string, object>
        {
            ["network"] = args[1],
            ["device"] = device.ToString(),
            ["crossEntropy"] = reports.Select(r => r.CrossEntropy).ToArray(),
            ["informationPerSample"] = reports.Select(r => r.InformationPerSample).ToArray(),
            ["testAccuracy"] = reports[^1].TestAccuracy,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        File.WriteAllText(args[7], JsonSerializer.Serialize(result, CheckJson.Default.DictionaryStringObject));
        return 0;
    }

    case "parity":
    {
        TorchNative.EnsureLoaded();
        var device = TorchDevices.Resolve(args[2]);
        using var test = FashionMnist.LoadTest(args[3]);
        var result = DeviceParity.Compare(args[1], device, test, long.Parse(args[4], CultureInfo.InvariantCulture));
        foreach (var (name, value) in result)
        {
            Console.WriteLine($"[{args[1]} parity, cpu vs {args[2]}] {name}: {value}");
        }

        File.WriteAllText(args[5], JsonSerializer.Serialize(result, CheckJson.Default.DictionaryStringObject));
        return 0;
    }

    case "time":
    {
        TorchNative.EnsureLoaded();
        var device = TorchDevices.Resolve(args[1]);
        int batch = int.Parse(args[2], CultureInfo.InvariantCulture);
        int steps = int.Parse(args[3], CultureInfo.InvariantCulture);
        TorchDevices.Seed(0);
        using var network = FashionMlp.Create(device);
        network.train();
        // The trainer's own optimizer and backward (FusedAdam; gradients handed over), so the step timed is the one it runs.
        using var optimizer = TrainingOptimizers.Create(network, new TrainingSettings());
        using var inputs = torch.rand(batch, 784, device: device);
        using var labels = torch.randint(0, 10, new long[] { batch }, device: device);
        var times = new List<double>();
        for (int i = 0; i < steps + 20; i++)
        {
            using var scope = torch.NewDisposeScope();
            var clock = Stopwatch.StartNew();
            network.zero_grad();
            var (logits, information) = network.call(inputs);
            var loss = torch.nn.functional.cross_entropy(logits, labels) + information * (0.01 / 60000);
            network.BackwardAndStep(loss, optimizer);
            if (device.type == DeviceType.CUDA)
            {
                torch.cuda.synchronize(device);
            }

            if (i >= 20)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine($"[{args[1]}] Ibex training step, batch {batch}: median {median:F3} ms over {steps} steps");
        var result = new Dictionary<string, object> { ["device"] = device.ToString(), ["batch"] = batch, ["medianMs"] = median };
        File.WriteAllText(args[4], JsonSerializer.Serialize(result, CheckJson.Default.DictionaryStringObject));
        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown verb {args[0]}");
        return 2;
}
