using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Examples.Compression;
using Ibex.Runtime.Native;
using TorchSharp;

// Sparse Variational Dropout's compression experiment on Fashion-MNIST, one command per row of docs/results/compression.csv:
//   run --network lenet300|lenet5 --noise gaussian|lognormal [--epochs 200] [--output DIR] [--trace-every 5] [--fine-tune 0] [--seed 1]
//       a dense run, then a stochastic run warm-started from it, pruning, ONNX export, ONNX Runtime timing; resumable
//       (every phase checkpoints each epoch: start the same command again after a stop). Writes DIR/row.json.
//   table [--runs runs/compression] [--csv docs/results/compression.csv] [--images docs/images]
//       merges every DIR/row.json under --runs into the CSV files and draws the plots of docs/compression.md.
// A bad option is one line and exit code 2.
try
{
    if (args.Length == 0 || args[0] is not ("run" or "table"))
    {
        throw new ArgumentException("Usage: run --network lenet300|lenet5 --noise gaussian|lognormal [--epochs N] [--output DIR] [--trace-every K] [--fine-tune E] [--seed S] [--beta B] | table [--runs DIR] [--csv FILE] [--images DIR]");
    }

    var options = Enumerable.Range(0, (args.Length - 1) / 2).ToDictionary(i => args[1 + 2 * i], i => args[2 + 2 * i]);
    if ((args.Length - 1) % 2 != 0)
    {
        throw new ArgumentException($"Option {args[^1]} needs a value.");
    }

    string Get(string key, string fallback) => options.TryGetValue(key, out var value) ? value : fallback;
    int Int(string key, int fallback) => int.TryParse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0
        ? v
        : throw new ArgumentException($"{key} takes a whole number ≥ 0, not '{Get(key, "")}'.");

    if (args[0] == "table")
    {
        CompressionTable.Write(Get("--runs", Path.Combine("runs", "compression")), Get("--csv", Path.Combine("docs", "results", "compression.csv")), Get("--images", Path.Combine("docs", "images")));
        return 0;
    }

    string network = Get("--network", "");
    string noise = Get("--noise", "");
    int epochs = Int("--epochs", 200);
    string output = Get("--output", Path.Combine("runs", "compression", $"{network}-{noise}"));
    int every = Math.Max(1, Int("--trace-every", 5));
    int fineTune = Int("--fine-tune", 0);
    long seed = Int("--seed", 1);
    double? beta = options.TryGetValue("--beta", out var betaText)
        ? double.TryParse(betaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double b) && double.IsFinite(b) && b >= 0
            ? b
            : throw new ArgumentException($"--beta takes a number ≥ 0 (the β of the stochastic phase; the declaration's 1 without it), not '{betaText}'.")
        : null;
    string command = "dotnet examples/Compression/bin/Release/net10.0/Ibex.Examples.Compression.dll " + string.Join(' ', args);
    TorchNative.EnsureLoaded();
    var row = (network, noise) switch
    {
        ("lenet300", "gaussian") => CompressionRun.Run<LeNet300Gaussian>("LeNet-300-100", noise, epochs, output, every, fineTune, seed, beta, command),
        ("lenet300", "lognormal") => CompressionRun.Run<LeNet300LogNormal>("LeNet-300-100", noise, epochs, output, every, fineTune, seed, beta, command),
        ("lenet5", "gaussian") => CompressionRun.Run<LeNet5Gaussian>("LeNet-5-Caffe", noise, epochs, output, every, fineTune, seed, beta, command),
        ("lenet5", "lognormal") => CompressionRun.Run<LeNet5LogNormal>("LeNet-5-Caffe", noise, epochs, output, every, fineTune, seed, beta, command),
        _ => throw new ArgumentException($"--network takes lenet300 or lenet5 and --noise gaussian or lognormal, not '{network}' and '{noise}'."),
    };
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
