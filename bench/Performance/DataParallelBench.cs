using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using Ibex.Runtime.Distributed;
using Ibex.Runtime.Training;
using TorchSharp;

namespace Ibex.Bench.Performance;

/// <summary>
/// Data-parallel scaling on one machine: <c>data-parallel [--rounds R] [--steps S]</c> times the MLP and the CNN at a global
/// batch of 128 in one process (1 thread) and as 2 MPI ranks (<c>mpiexec -n 2</c>, 1 thread each, 64 examples each),
/// alternating, R rounds of S measured steps, and prints throughput, the 1 → 2 scaling efficiency and the share of rank
/// 0's step spent in collectives. Each run trains with <see cref="InformationTrainer"/>, as users do.
/// </summary>
public static class DataParallelBench
{
    private const int GlobalBatch = 128;
    private const int Warmup = 5;

    /// <summary>One run's measurement, printed by the rank run as a JSON line.</summary>
    public sealed record Measurement(string Model, int Ranks, double MillisecondsPerStep, double ExamplesPerSecond, double CollectiveShare, long CollectivesPerStep, long GradientBytes);

    /// <summary>The links the model is evaluated for: name, bandwidth in bytes/s and per-message latency in seconds.</summary>
    private static readonly (string Name, double BytesPerSecond, double Latency)[] Links =
    {
        ("10 Gbit/s Ethernet", 10e9 / 8, 20e-6),
        ("100 Gbit/s InfiniBand", 100e9 / 8, 2e-6),
    };

    private static readonly int[] Nodes = { 2, 4, 8, 16, 32, 64 };

    /// <summary>The rank (or single-process) run: <paramref name="steps"/> measured steps after <see cref="Warmup"/>.</summary>
    public static int RunRank(string model, int steps)
    {
        torch.set_num_threads(1);
        var group = DataParallelGroup.IsLaunchedAsSeveral ? DataParallelGroup.Join() : null;
        torch.manual_seed(0);
        using InformationNetwork network = model == "mlp" ? new BenchMlp() : new BenchCnn();
        int batches = Warmup + steps;
        using var data = new LabeledData(torch.rand(new long[] { (long)GlobalBatch * batches, 784 }),
            torch.randint(0, 10, new long[] { (long)GlobalBatch * batches }, dtype: torch.int64));
        var settings = new TrainingSettings { Epochs = 1, BatchSize = GlobalBatch, DataParallel = group };
        var clock = new StepClock(group, Warmup);
        new InformationTrainer(network, settings).Run(data, null, clock, null, null, default);
        if (group is null || group.IsRoot)
        {
            double milliseconds = clock.Elapsed.TotalMilliseconds / steps;
            var measurement = new Measurement(model, group?.Size ?? 1, milliseconds, GlobalBatch / (milliseconds / 1000),
                clock.Collectives.TotalMilliseconds / clock.Elapsed.TotalMilliseconds, clock.CollectiveCalls / steps,
                network.parameters().Sum(p => p.numel() * p.element_size()));
            Console.WriteLine("MEASUREMENT " + JsonSerializer.Serialize(measurement));
        }

        group?.Dispose();
        return 0;
    }

    /// <summary>Runs both configurations alternately and prints the table.</summary>
    public static int Run(string[] args)
    {
        int rounds = int.Parse(Option(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        int steps = int.Parse(Option(args, "--steps") ?? "60", CultureInfo.InvariantCulture);
        var results = new List<Measurement>();
        var clock = Stopwatch.StartNew();
        foreach (string model in new[] { "mlp", "cnn" })
        {
            for (int round = 0; round < rounds; round++)
            {
                results.Add(Launch(twoRanks: false, model, steps));
                results.Add(Launch(twoRanks: true, model, steps));
            }
        }

        Console.WriteLine($"Data-parallel scaling, global batch {GlobalBatch}, 1 thread per process, median of {rounds} runs of {steps} steps ({clock.Elapsed.TotalMinutes:F1} min):");
        Console.WriteLine();
        Console.WriteLine("| network | processes | ms per step | examples/s | efficiency | rank 0 in collectives | collectives per step |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (string model in new[] { "mlp", "cnn" })
        {
            double single = Median(results.Where(r => r.Model == model && r.Ranks == 1).Select(r => r.ExamplesPerSecond));
            foreach (int ranks in new[] { 1, 2 })
            {
                var runs = results.Where(r => r.Model == model && r.Ranks == ranks).ToList();
                double throughput = Median(runs.Select(r => r.ExamplesPerSecond));
                Console.WriteLine($"| {model} | {ranks} | {Median(runs.Select(r => r.MillisecondsPerStep)):F1} | {throughput:F0} | {throughput / (ranks * single):P0} | " +
                                  $"{Median(runs.Select(r => r.CollectiveShare)):P1} | {runs[0].CollectivesPerStep} |");
            }
        }

        PrintModel(results);
        return 0;
    }

    /// <summary>
    /// Ring allreduce (Patarasuk &amp; Yuan 2009): each of K nodes sends and receives 2·(K−1)/K of the gradient bytes P, in
    /// 2·(K−1) messages, so t_allreduce = 2·(K−1)/K · P / bandwidth + 2·(K−1)·latency. With the allreduce after backward (no
    /// overlap, as Ibex does it) and every node keeping the measured single-process batch of 128 (weak scaling), the step
    /// takes t_compute + t_allreduce, and the scaling efficiency is t_compute / (t_compute + t_allreduce).
    /// </summary>
    private static void PrintModel(List<Measurement> results)
    {
        Console.WriteLine();
        Console.WriteLine("Ring-allreduce model, batch 128 per node, t_compute = the measured single-process step (1 thread):");
        Console.WriteLine();
        Console.WriteLine("| network | gradient MB | t_compute ms | link | " + string.Join(" | ", Nodes.Select(k => $"K = {k}")) + " |");
        Console.WriteLine("|---|---|---|---|" + string.Concat(Nodes.Select(_ => "---|")));
        foreach (string model in new[] { "mlp", "cnn" })
        {
            var single = results.Where(r => r.Model == model && r.Ranks == 1).ToList();
            double compute = Median(single.Select(r => r.MillisecondsPerStep)) / 1000;
            double bytes = single[0].GradientBytes;
            foreach (var (name, bandwidth, latency) in Links)
            {
                var cells = Nodes.Select(k =>
                {
                    double allreduce = 2.0 * (k - 1) / k * bytes / bandwidth + 2.0 * (k - 1) * latency;
                    return $"{allreduce * 1000:F1} ms, {compute / (compute + allreduce):P0}";
                });
                Console.WriteLine($"| {model} | {bytes / 1e6:F1} | {compute * 1000:F0} | {name} | {string.Join(" | ", cells)} |");
            }
        }
    }

    /// <summary>This program's rank run, alone or under <c>mpiexec -n 2</c>.</summary>
    private static Measurement Launch(bool twoRanks, string model, int steps)
    {
        var start = MemoryProbe.ChildProcess($"data-parallel-rank {model} {steps.ToString(CultureInfo.InvariantCulture)}");
        start.RedirectStandardError = true;
        if (twoRanks)
        {
            start = new ProcessStartInfo("mpiexec", $"-n 2 {start.FileName} {start.Arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("MEASUREMENT ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"{start.FileName} {start.Arguments} failed ({process.ExitCode}):\n{output}\n{errors}");
        }

        return JsonSerializer.Deserialize<Measurement>(line["MEASUREMENT ".Length..])!;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>Times the steps after the warm-up on rank 0, with the time its group spent in collectives meanwhile.</summary>
    private sealed class StepClock(DataParallelGroup? group, int warmup) : ITrainingObserver
    {
        private readonly Stopwatch clock = new();
        private TimeSpan collectivesAtStart;
        private long callsAtStart;

        public TimeSpan Elapsed => clock.Elapsed;

        public TimeSpan Collectives { get; private set; }

        public long CollectiveCalls { get; private set; }

        public void OnBatchCompleted(BatchProgress progress)
        {
            if (progress.Batch == warmup)
            {
                collectivesAtStart = group?.TimeInCollectives ?? TimeSpan.Zero;
                callsAtStart = group?.Collectives ?? 0;
                clock.Restart();
            }
            else if (progress.Batch == progress.BatchesPerEpoch)
            {
                clock.Stop();
                Collectives = (group?.TimeInCollectives ?? TimeSpan.Zero) - collectivesAtStart;
                CollectiveCalls = (group?.Collectives ?? 0) - callsAtStart;
            }
        }
    }
}
