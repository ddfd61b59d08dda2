using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Ibex.Runtime;
using Ibex.Runtime.Native;
using TorchSharp;

namespace Ibex.Bench.Performance;

/// <summary>
/// <c>dotnet run -c Release --project bench/Performance [-- run [--out docs/performance.md] [--memory-steps 2000]]</c>:
/// checks that the Ibex network, the hand-written TorchSharp one and PyTorch compute the same loss, times their training
/// steps and evaluation forwards side by side on 2 threads, measures the matmul ceiling and the memory, and writes the
/// table. <c>check</c> runs the equality check only.
/// </summary>
public static class Program
{
    /// <summary>The thread count of every measurement (the issue's machines have 2 cores).</summary>
    public const int Threads = 2;

    /// <summary>How many times each implementation is timed in a process of its own; the report takes the median.</summary>
    public const int OwnProcessRounds = 5;

    public static int Main(string[] args)
    {
        TorchNative.EnsureLoaded();
        if (args is not ["contention-child", ..])
        {
            // Everything but the contention children measures on the issue's 2 threads; those keep what Ibex chose.
            torch.set_num_threads(Threads);
        }

        try
        {
            return Dispatch(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    private const string Usage =
        "Usage: run [--out FILE] [--memory-steps N] | check | data-parallel [--rounds R] [--steps S] | memory IMPLEMENTATION WORKLOAD STEPS | " +
        "time-steps IMPLEMENTATION WORKLOAD WARMUP STEPS [eval] | profile WORKLOAD | conv-floor WORKLOAD | micro | " +
        "contention [--seconds S] [--rounds R] [--quiet-rounds Q] [--sweep-jobs 1,2,4] [--reuse-steps] [--out FILE]";

    private static int Dispatch(string[] args)
    {
        string verb = args.Length > 0 ? args[0] : "run";
        switch (verb)
        {
            case "memory" when args.Length == 4:
                return MemoryProbe.RunChild(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
            case "profile" when args.Length == 2:
                return Profile.Run(args[1]);
            case "conv-floor" when args.Length == 2:
                return ConvolutionFloor.Run(args[1]);
            case "time-steps" when args.Length is 5 or 6:
                return MemoryProbe.TimeChild(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), evaluation: args.Length == 6 && args[5] == "eval");
            case "data-parallel-rank" when args.Length == 3:
                return DataParallelBench.RunRank(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
            case "data-parallel":
                return DataParallelBench.Run(args.Skip(1).ToArray());
            case "contention":
                return Contention.Run(args.Skip(1).ToArray());
            case "contention-child" when args.Length == 3:
                return ContentionChild.Run(args[1], double.Parse(args[2], CultureInfo.InvariantCulture));
            case "hog" when args.Length == 2:
                return ContentionChild.Hog(double.Parse(args[1], CultureInfo.InvariantCulture));
            case "micro":
                return Micro.Run();
            case "check":
                var results = EqualityCheck.Run(new PyTorchRunner());
                foreach (var r in results)
                {
                    Console.WriteLine($"{r.Model}: Ibex {r.IbexLoss:R}, hand-written {r.HandWrittenLoss:R}, PyTorch {r.PyTorchLoss:R} → {(r.Agrees ? "agree" : "DISAGREE")}");
                }

                return results.All(r => r.Agrees) ? 0 : 1;
            case "run":
                return Run(args.Skip(1).ToArray());
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int Run(string[] args)
    {
        string output = Option(args, "--out") ?? Path.Combine(RepositoryRoot(), "docs", "performance.md");
        int memorySteps = int.Parse(Option(args, "--memory-steps") ?? "2000", CultureInfo.InvariantCulture);
        var python = new PyTorchRunner();

        Console.WriteLine("Equality check (training-mode loss on the same weights, batch and noise seed):");
        var equality = EqualityCheck.Run(python);
        foreach (var r in equality)
        {
            Console.WriteLine($"  {r.Model}: Ibex {r.IbexLoss:F6}, hand-written {r.HandWrittenLoss:F6}, PyTorch {r.PyTorchLoss:F6} → {(r.Agrees ? "agree" : "DISAGREE")}");
        }

        if (!equality.All(r => r.Agrees))
        {
            Console.Error.WriteLine("The implementations do not compute the same function; not timing them.");
            return 1;
        }

        var steps = BenchmarkRunner.Run<TrainingStepBenchmarks>();
        var evaluations = BenchmarkRunner.Run<EvaluationBenchmarks>();
        var ceiling = BenchmarkRunner.Run<MatmulCeilingBenchmark>();

        var pytorch = WorkloadKind.All.ToDictionary(k => k.ToString(), k => python.Time(k, steps: 30));
        var memory = new List<MemoryProbe.Sample>();
        foreach (var kind in WorkloadKind.All)
        {
            memory.Add(MemoryProbe.Measure("handwritten", kind, 30));
            memory.Add(MemoryProbe.Measure("ibex", kind, memorySteps));
        }

        // The same comparisons with every implementation in a process of its own, alternating.
        var (ownProcess, sideBySide, pairedRatios, fastestChildCeiling) = OwnProcessMedians(OwnProcessRounds);
        var ceilingSamples = new List<(string When, double Ms)>
        {
            ("BenchmarkDotNet, with the steps", Medians(ceiling).Single().Value),
            ("the fastest of those timed beside the own-process steps", fastestChildCeiling),
            ("again after the own-process timings", Micro.CeilingMs()),
        };

        // Where the time goes: the MLP step's matrix products alone, and the Ibex step with each fused kernel turned off.
        var matmulFloor = Micro.MatmulFloor();
        var ablation = new List<(string Kernels, string Workload, double Ms)>();
        foreach (var kind in new[] { WorkloadKind.All[0], WorkloadKind.All[2] })
        {
            int warmup = kind.Model == "mlp" ? 600 : 150;
            foreach (string kernels in new[] { "on", "no-fused-update", "no-handover", "no-layers", "no-noise", "no-generator", "no-activations", "no-pooling", "no-normalization", "no-adam", "off" })
            {
                ablation.Add((kernels, kind.ToString(), MemoryProbe.TimeWithKernels(kernels, kind, warmup, 60).StepMs));
            }
        }

        ceilingSamples.Add(("at the end", Micro.CeilingMs()));
        var report = new PerformanceReport(
            Equality: equality,
            TrainingMedians: Medians(steps),
            EvaluationMedians: Medians(evaluations),
            OwnProcessMedians: ownProcess,
            SideBySideFractions: sideBySide,
            PairedRatios: pairedRatios,
            CeilingSamples: ceilingSamples,
            PyTorch: pytorch,
            Memory: memory,
            MatmulFloorMs: matmulFloor,
            Ablation: ablation,
            Command: "dotnet run -c Release --project bench/Performance");
        // The shared-machines section comes from the contention command; a full run keeps it.
        string markdown = report.ToMarkdown() + (File.Exists(output) && ContentionReport.Keep(File.ReadAllText(output)) is { } contention ? Environment.NewLine + contention : "");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        Ibex.Runtime.IO.AtomicFile.Write(output, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(markdown);
        });
        Console.WriteLine(markdown);
        Console.WriteLine($"Written to {output}");
        return 0;
    }

    /// <summary>
    /// Median over <paramref name="rounds"/> alternating rounds of each implementation's median step in its own process,
    /// keyed like <see cref="Medians"/> ("HandWritten/mlp-128", "Ibex/mlp-128"; "Eval:Ibex/mlp-128" for evaluation forwards);
    /// for the training steps, each round's fraction of the ceiling timed beside them in the same process; for each workload
    /// (keyed "mlp-128"), each round's Ibex step over the hand-written step timed just before it, and (keyed "Eval:mlp-128")
    /// each round's Ibex evaluation forward over the plain network's timed just before it; and the fastest of the ceilings
    /// in milliseconds.
    /// </summary>
    private static (Dictionary<string, double> Medians, Dictionary<string, IReadOnlyList<double>> SideBySideFractions,
        Dictionary<string, IReadOnlyList<double>> PairedRatios, double FastestCeilingMs) OwnProcessMedians(int rounds)
    {
        var samples = new Dictionary<string, List<MemoryProbe.Timing>>();
        var kinds = new Dictionary<string, WorkloadKind>();
        void Add(string key, WorkloadKind kind, MemoryProbe.Timing timing)
        {
            (samples.TryGetValue(key, out var list) ? list : samples[key] = new List<MemoryProbe.Timing>()).Add(timing);
            kinds[key] = kind;
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (var kind in WorkloadKind.All)
            {
                var (warmup, steps) = kind.Model switch { "mlp" => (150, 100), "cnn" => (20, 40), _ => (10, 20) };
                Add("HandWritten/" + kind, kind, MemoryProbe.TimeInOwnProcess("hand", kind, warmup, steps, evaluation: false));
                Add("Ibex/" + kind, kind, MemoryProbe.TimeInOwnProcess("ibex", kind, warmup, steps, evaluation: false));
            }

            foreach (var kind in WorkloadKind.All)
            {
                var (warmup, steps) = kind.Model == "mlp" ? (100, 200) : (10, 30);
                Add("Eval:Deterministic/" + kind, kind, MemoryProbe.TimeInOwnProcess("deterministic", kind, warmup, steps, evaluation: true));
                Add("Eval:Ibex/" + kind, kind, MemoryProbe.TimeInOwnProcess("ibex", kind, warmup, steps, evaluation: true));
            }
        }

        var medians = samples.ToDictionary(s => s.Key, s => Statistics.Median(s.Value.Select(t => t.StepMs)));
        var fractions = samples.Where(s => !s.Key.StartsWith("Eval:", StringComparison.Ordinal)).ToDictionary(
            s => s.Key,
            s => (IReadOnlyList<double>)s.Value.Select(t => Statistics.FractionOfCeiling(kinds[s.Key].TrainingFlops, t.StepMs, t.CeilingMs)).ToList());
        var paired = new Dictionary<string, IReadOnlyList<double>>();
        foreach (var k in WorkloadKind.All)
        {
            paired[k.ToString()] = samples["Ibex/" + k].Zip(samples["HandWritten/" + k], (ibex, hand) => ibex.StepMs / hand.StepMs).ToList();
            paired["Eval:" + k] = samples["Eval:Ibex/" + k].Zip(samples["Eval:Deterministic/" + k], (ibex, plain) => ibex.StepMs / plain.StepMs).ToList();
        }

        return (medians, fractions, paired, samples.Values.SelectMany(v => v).Min(t => t.CeilingMs));
    }

    /// <summary>Median milliseconds per benchmark, keyed "Method" or "Method/Workload".</summary>
    private static Dictionary<string, double> Medians(Summary summary)
        => summary.Reports.Where(r => r.ResultStatistics is not null).ToDictionary(
            r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name
                 + (r.BenchmarkCase.Parameters.Items.FirstOrDefault() is { } p ? "/" + p.Value : ""),
            r => r.ResultStatistics!.Median / 1e6);

    internal static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
