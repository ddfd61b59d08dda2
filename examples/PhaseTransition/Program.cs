using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Ibex.Examples.PhaseTransition;
using Ibex.Runtime;
using Ibex.Runtime.Native;
using Ibex.Runtime.Data;
using Ibex.Runtime.IO;
using TorchSharp;

// Reproduces Achille & Soatto's random-label phase transition, the cost of memorizing and the β curve on real labels.
//   run     trains every point of the sweep not yet in the results folder (one JSON file per point, written atomically);
//           --shard I/K runs every K-th point, so that K processes or machines share a sweep
//   report  merges the results folder into CSV, JSON, PNG plots, summary.md and report.html, and checks the criteria
//   all     run, then report (the default)
// Options: --quick (synthetic Gaussian inputs, small N, seconds), --results DIR, --out DIR, --data DIR, --threads T,
//          --jobs J (run as J child processes that split the cores' threads between them; default: one per core, unless
//          --shard is given).
//   sweep run|report|slurm|kubernetes   the general sweep over declared networks (Sweeps/SweepCommand.cs, docs/sweeps.md)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] == "sweep")
{
    try
    {
        return SweepCommand.Run(args[1..]);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
}

var options = CommandLine.Parse(args);
if (options.Verb is "run" or "all")
{
    if (options.Jobs > 1)
    {
        Sweep.RunInChildProcesses(options, args);
    }
    else
    {
        Sweep.Run(options);
    }
}

if (options.Verb is "report" or "all")
{
    return Report.Write(options) ? 0 : 1;
}

return 0;

internal sealed record CommandLine(string Verb, bool Quick, string Results, string Out, string Data, int Shard, int Shards, int Threads, int Jobs)
{
    public static CommandLine Parse(string[] args)
    {
        string verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        if (verb is not ("run" or "report" or "all"))
        {
            throw new ArgumentException($"Unknown verb '{verb}'; use run, report or all.");
        }

        bool quick = args.Contains("--quick");
        string Value(string name, string fallback)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        string shard = Value("--shard", "0/1");
        var parts = shard.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int index) || !int.TryParse(parts[1], out int count) || count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentException($"--shard {shard} is not I/K with 0 ≤ I < K.");
        }

        string results = Value("--results", quick ? "runs/phase-transition-quick" : "runs/phase-transition");
        string output = Value("--out", quick ? Path.Combine(results, "report") : "docs/results/phase-transition");
        // Small matrices use a second core poorly inside one process: by default, one single-threaded process per core.
        int jobs = args.Contains("--shard") ? 1 : int.Parse(Value("--jobs", Math.Max(1, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        // The jobs split the machine's processors between them unless --threads says otherwise.
        return new CommandLine(verb, quick, results, output, Value("--data", FashionMnist.DefaultDirectory), index, count,
            int.Parse(Value("--threads", CpuThreads.Share(jobs).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture), jobs);
    }
}

public static class Sweep
{
    /// <summary>Runs the sweep as <c>--jobs</c> child processes, shard i of J each, and waits for all of them.</summary>
    internal static void RunInChildProcesses(CommandLine options, string[] args)
    {
        var passThrough = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "run" or "all" or "report")
            {
                continue;
            }

            if (args[i] is "--jobs" or "--threads" or "--out")
            {
                i++;
                continue;
            }

            passThrough.Add(args[i]);
        }

        SelfProcesses.RunAll(Enumerable.Range(0, options.Jobs)
            .Select(shard => new[] { "run" }.Concat(passThrough).Concat(new[] { "--shard", $"{shard}/{options.Jobs}", "--threads", options.Threads.ToString(CultureInfo.InvariantCulture) }))
            .ToList(), "Sweep job");
    }

    internal static void Run(CommandLine options)
    {
        TorchNative.EnsureLoaded();
        torch.set_num_threads(options.Threads);
        Directory.CreateDirectory(options.Results);
        var points = SweepPlan.Points(options.Quick);
        using var data = new SweepData(options.Quick, options.Data);
        var training = Training(options.Quick);
        for (int i = options.Shard; i < points.Count; i += options.Shards)
        {
            var (grid, point) = points[i];
            string path = Path.Combine(options.Results, SweepPlan.FileName(grid, point));
            if (File.Exists(path))
            {
                Console.WriteLine($"[{i + 1}/{points.Count}] {grid} N={point.TrainingExamples} random={point.RandomLabelFraction} β={point.Beta}: done already");
                continue;
            }

            var result = options.Quick
                ? RandomLabelPoint.Run<QuickMlp>(point, training, data.Train(point), null)
                : RandomLabelPoint.Run<RandomLabelMlp>(point, training, data.Train(point), data.Test);
            AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(result, SweepJson.Default.SweepResult));
            Console.WriteLine($"[{i + 1}/{points.Count}] {grid} N={point.TrainingExamples} random={point.RandomLabelFraction} β={point.Beta}: " +
                $"{result.Epochs} epochs{(result.Converged ? "" : " (cap)")}, CE {result.CrossEntropy:F3}, Ĩ/N {result.InformationPerSample:F2} nats, " +
                $"train acc MC {result.TrainAccuracyMonteCarlo:F3} / mean {result.TrainAccuracyMeanNetwork:F3} / noisy {result.TrainAccuracyNoisy:F3}, test {result.TestAccuracy:F3}, {result.Seconds:F0} s");
        }
    }

    /// <summary>
    /// Adam, batch 100, ρ learning faster than ŵ, β warmed up over the first 500 epochs (docs/results/phase-transition.md
    /// shows what happens without), trained until the objective stops improving.
    /// </summary>
    public static SweepTraining Training(bool quick) => quick
        ? new SweepTraining { MaximumEpochs = 1500, MinimumEpochs = 200, ConvergenceWindow = 100, ConvergenceTolerance = 0.005, MonteCarloSamples = 16 }
        : new SweepTraining { MaximumEpochs = 4000, MinimumEpochs = 300, ConvergenceWindow = 150, ConvergenceTolerance = 0.005, BetaWarmupEpochs = 500 };
}

internal static class Report
{
    public static bool Write(CommandLine options)
    {
        var results = Directory.GetFiles(options.Results, "*.json")
            .Select(path => (Grid: Path.GetFileName(path).Split('-')[0], Result: JsonSerializer.Deserialize(File.ReadAllBytes(path), SweepJson.Default.SweepResult)!))
            .OrderBy(r => r.Grid, StringComparer.Ordinal).ThenBy(r => r.Result.Point.TrainingExamples).ThenBy(r => r.Result.Point.RandomLabelFraction).ThenBy(r => r.Result.Point.Beta)
            .ToList();
        Directory.CreateDirectory(options.Out);
        var transition = results.Where(r => r.Grid == SweepPlan.Transition).Select(r => r.Result).ToList();
        var summaries = transition.GroupBy(r => r.Point.TrainingExamples).OrderBy(g => g.Key)
            .Where(g => g.Count() >= 3)
            .Select(g => TransitionAnalysis.Summarize(g.Key, g.ToList())).ToList();
        var checks = summaries.Count > 0 ? TransitionAnalysis.Check(summaries) : Array.Empty<CriterionCheck>();
        var cost = results.Where(r => r.Grid == SweepPlan.Cost).Select(r => r.Result).OrderBy(r => r.Point.RandomLabelFraction).ToList();
        double costDifference = cost.Count >= 2 && cost[0].Point.RandomLabelFraction == 0 && cost[^1].Point.RandomLabelFraction == 1
            ? cost[^1].InformationPerSample - cost[0].InformationPerSample
            : double.NaN;
        var real = results.Where(r => r.Grid == SweepPlan.Real).Select(r => r.Result).OrderBy(r => r.Point.Beta).ToList();

        WriteCsv(Path.Combine(options.Out, "points.csv"), results);
        var report = new SweepReport(results.Select(r => new GridResult(r.Grid, r.Result)).ToList(), summaries, checks, costDifference);
        AtomicFile.WriteAllBytes(Path.Combine(options.Out, "points.json"), JsonSerializer.SerializeToUtf8Bytes(report, SweepJson.Default.SweepReport));

        if (summaries.Count > 0)
        {
            var groups = transition.GroupBy(r => r.Point.TrainingExamples).OrderBy(g => g.Key).ToList();
            var markers = summaries.Select((s, i) => (s.PredictedBeta, $"predicted β* for N = {s.TrainingExamples}: {s.PredictedBeta:G2}", i)).ToList();
            markers.Add((1.0, "β = 1 (the paper's critical value)", -1));
            Plots.LogBeta(Path.Combine(options.Out, "train-accuracy-vs-beta.png"), "Random labels: Monte-Carlo train accuracy", "train accuracy",
                groups.Select(g => ($"N = {g.Key}", g.Select(r => r.Point.Beta).ToArray(), g.Select(r => r.TrainAccuracyMonteCarlo).ToArray())).ToList(), markers, (0, 1.05));
            Plots.LogBeta(Path.Combine(options.Out, "information-vs-beta.png"), "Random labels: information in the weights", "Ĩ(w;D)/N [nats per sample]",
                groups.Select(g => ($"N = {g.Key}", g.Select(r => r.Point.Beta).ToArray(), g.Select(r => r.InformationPerSample).ToArray())).ToList(),
                new[] { (1.0, "β = 1", -1) });
        }

        if (cost.Count > 0)
        {
            Plots.Linear(Path.Combine(options.Out, "memorization-cost.png"), $"Cost of memorizing (N = {SweepPlan.CostSize}, β = {SweepPlan.CostBeta})",
                "fraction of random labels", "Ĩ(w;D)/N [nats per sample]", cost.Select(r => r.Point.RandomLabelFraction).ToArray(), cost.Select(r => r.InformationPerSample).ToArray());
        }

        if (real.Count > 0)
        {
            Plots.LogBeta(Path.Combine(options.Out, "real-labels-test-accuracy.png"), $"Real labels (N = {SweepPlan.RealSize}): test accuracy", "accuracy (test: 10,000 images)",
                new[] { ("test", real.Select(r => r.Point.Beta).ToArray(), real.Select(r => r.TestAccuracy).ToArray()),
                        ("train (mean network)", real.Select(r => r.Point.Beta).ToArray(), real.Select(r => r.TrainAccuracyMeanNetwork).ToArray()) },
                new[] { (1.0, "β = 1", -1) });
        }

        string summary = Summary(summaries, checks, cost, costDifference, real);
        File.WriteAllText(Path.Combine(options.Out, "summary.md"), summary);
        SweepReportPage.Write(options.Out, summary);
        Console.WriteLine(File.ReadAllText(Path.Combine(options.Out, "summary.md")));
        return checks.All(c => c.Holds);
    }

    private static void WriteCsv(string path, IEnumerable<(string Grid, SweepResult Result)> results)
    {
        var csv = new StringBuilder("grid,n,random_fraction,beta,seed,epochs,converged,cross_entropy,information_per_sample,train_acc_mean,train_acc_noisy,train_acc_mc,test_acc,seconds\n");
        foreach (var (grid, r) in results)
        {
            csv.AppendLine(string.Join(",", grid, r.Point.TrainingExamples, r.Point.RandomLabelFraction, r.Point.Beta, r.Point.Seed, r.Epochs, r.Converged,
                r.CrossEntropy, r.InformationPerSample, r.TrainAccuracyMeanNetwork, r.TrainAccuracyNoisy, r.TrainAccuracyMonteCarlo, r.TestAccuracy, r.Seconds.ToString("F1")));
        }

        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(csv.ToString()));
    }

    private static string Summary(IReadOnlyList<TransitionSummary> summaries, IReadOnlyList<CriterionCheck> checks, IReadOnlyList<SweepResult> cost,
        double costDifference, IReadOnlyList<SweepResult> real)
    {
        var text = new StringBuilder();
        text.AppendLine("# Sweep summary (generated by examples/PhaseTransition)").AppendLine();
        if (summaries.Count > 0)
        {
            text.AppendLine("## Random labels").AppendLine();
            text.AppendLine("| N | MC train acc at β min | at β max | β* (midpoint) | β at 0.8 | β at 0.3 | drop (decades) | Ĩ/N of last memorizing run | predicted β* = log 10 / that |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var s in summaries)
            {
                text.AppendLine($"| {s.TrainingExamples} | {s.AccuracyAtSmallestBeta:F3} | {s.AccuracyAtLargestBeta:F3} | {s.TransitionBeta:G3} | {s.BetaAt80:G3} | {s.BetaAt30:G3} | {s.DropDecades:F2} | {s.MemorizingInformation:F2} | {s.PredictedBeta:G3} |");
            }

            text.AppendLine().AppendLine("| criterion | holds | evidence |").AppendLine("|---|---|---|");
            foreach (var c in checks)
            {
                text.AppendLine($"| {c.Criterion} | {(c.Holds ? "yes" : "**no**")} | {c.Evidence} |");
            }
        }

        if (cost.Count > 0)
        {
            text.AppendLine().AppendLine($"## Cost of memorizing (N = {SweepPlan.CostSize}, β = {SweepPlan.CostBeta})").AppendLine();
            text.AppendLine("| random labels | Ĩ/N (nats/sample) | MC train acc | test acc |").AppendLine("|---|---|---|---|");
            foreach (var r in cost)
            {
                text.AppendLine($"| {r.Point.RandomLabelFraction:P0} | {r.InformationPerSample:F2} | {r.TrainAccuracyMonteCarlo:F3} | {r.TestAccuracy:F3} |");
            }

            text.AppendLine().AppendLine($"Fully random minus clean labels: {costDifference:F2} nats per sample (log 10 = 2.30; the paper measures about 3).");
        }

        if (real.Count > 0)
        {
            text.AppendLine().AppendLine($"## Real labels (N = {SweepPlan.RealSize})").AppendLine();
            text.AppendLine("| β | test acc | train acc (mean) | Ĩ/N |").AppendLine("|---|---|---|---|");
            foreach (var r in real)
            {
                text.AppendLine($"| {r.Point.Beta:G3} | {r.TestAccuracy:F4} | {r.TrainAccuracyMeanNetwork:F3} | {r.InformationPerSample:F2} |");
            }
        }

        return text.ToString();
    }
}
