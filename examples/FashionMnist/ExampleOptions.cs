using System;
using System.Globalization;
using Ibex.Runtime.Data;

namespace Ibex.Examples;

/// <summary>
/// The example's command line: <c>--network mlp|cnn|vgg|lenet300 --epochs N --beta B --seed S --source idx|csv|images --data DIR</c>,
/// <c>--ood</c>, <c>--evaluation-budget-mib M</c>, <c>--prune</c>, <c>--onnx</c>, <c>--output DIR</c>, <c>--tensorboard DIR</c>, all optional. The run writes
/// the network, <c>report.json</c>, <c>report.html</c> and, with <c>--onnx</c>, <c>network.onnx</c> (and <c>network.pruned.onnx</c> with <c>--prune</c>) to DIR
/// (default <c>runs/fashion-mnist</c>). The csv source reads DIR/train.csv and DIR/test.csv, the
/// stream source streams DIR/train-shards/*.csv (or DIR/train.csv) and loads DIR/test.csv, the images source reads DIR/train
/// and DIR/test (one folder per class), as <c>scripts/fashion-mnist-as-files.py</c> writes them.
/// </summary>
internal sealed record ExampleOptions(string Network, int? Epochs, double? Beta, long Seed, string Source, string DataDirectory, bool OutOfDistribution = false,
    long EvaluationBudgetMiB = 1024, bool Prune = false, bool Onnx = false, string Output = "runs/fashion-mnist", string? TensorBoard = null, bool Calibrate = false)
{
    private const string Usage = "Usage: [--network mlp|cnn|vgg|lenet300] [--epochs N] [--beta B] [--seed S] [--source idx|csv|stream|images] [--data DIR] [--ood] [--calibrate] [--evaluation-budget-mib M] [--prune] [--onnx] [--output DIR] [--tensorboard DIR]";

    public static ExampleOptions Parse(string[] args)
    {
        var options = new ExampleOptions(Network: "mlp", Epochs: null, Beta: null, Seed: 1, Source: "idx", DataDirectory: FashionMnist.DefaultDirectory);
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--ood")
            {
                options = options with { OutOfDistribution = true };
                continue;
            }

            if (name == "--calibrate")
            {
                options = options with { Calibrate = true };
                continue;
            }

            if (name == "--prune")
            {
                options = options with { Prune = true };
                continue;
            }

            if (name == "--onnx")
            {
                options = options with { Onnx = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"Option {name} needs a value. {Usage}");
            }

            string value = args[++i];
            options = name switch
            {
                "--network" when value is "mlp" or "cnn" or "vgg" or "lenet300" => options with { Network = value },
                "--network" => throw new ArgumentException($"--network takes mlp (the stochastic MLP), cnn (the stochastic CNN with Information Dropout), vgg (a VGG-style stochastic CNN) or lenet300 (LeNet-300-100 with Gaussian noise at β = 1, Sparse VD's setting), not '{value}'."),
                "--output" => options with { Output = value },
                "--tensorboard" => options with { TensorBoard = value },
                "--epochs" => options with { Epochs = ParseInt(name, value) },
                "--beta" => options with { Beta = double.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = ParseInt(name, value) },
                "--data" => options with { DataDirectory = value },
                "--source" when value is "idx" or "csv" or "stream" or "images" => options with { Source = value },
                "--source" => throw new ArgumentException($"--source takes idx (the IDX files), csv (train.csv and test.csv), stream (train-shards/*.csv streamed) or images (train/ and test/ class folders), not '{value}'."),
                "--evaluation-budget-mib" => options with { EvaluationBudgetMiB = ParseInt(name, value) >= 1 ? ParseInt(name, value) : throw new ArgumentException("--evaluation-budget-mib takes a whole number of MiB, at least 1.") },
                _ => throw new ArgumentException($"Unknown option {name}. {Usage}"),
            };
        }

        return options;
    }

    private static int ParseInt(string name, string value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result)
            ? result
            : throw new ArgumentException($"Option {name} takes a whole number, not '{value}'.");
}
