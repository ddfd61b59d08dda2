using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Ibex.Bench.Performance;

/// <summary>
/// The "Shared machines" section of docs/performance.md, which <see cref="Contention"/> writes between two markers and
/// <c>run</c> keeps when it rewrites the rest of the file.
/// </summary>
public static class ContentionReport
{
    public const string Start = "<!-- contention: written by `bench/Performance contention` -->";
    public const string End = "<!-- end of contention -->";

    public static string Write(
        IReadOnlyList<Contention.Measurement> measurements,
        IReadOnlyList<Contention.Policy> policies,
        IReadOnlyList<(string Workload, double Ratio, double Low, double High, int Rounds)> quiet,
        IReadOnlyList<SweepTiming.Result> sweeps,
        CpuQuota quota,
        double seconds,
        int rounds)
    {
        var md = new StringBuilder();
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        int cores = Environment.ProcessorCount;
        md.AppendLine(Start);
        md.AppendLine("## Shared machines");
        md.AppendLine();
        md.AppendLine($"Written by `dotnet run -c Release --project bench/Performance -- contention` on {cores} cores ({DateTime.UtcNow:yyyy-MM-dd}); every number is a whole process started for it, "
            + $"{F(seconds, "0")} s of operations after a warm-up, median of {rounds} rounds; raw numbers in `docs/results/contention.csv`. "
            + "Throughput: operations per second summed over the copies (a training step of batch 128; a prediction is "
            + $"{ContentionChild.PredictedExamples} examples × {ContentionChild.PredictionSamples} weight samples). Share: each copy's throughput ÷ its throughput alone under the same policy; "
            + $"the ideal share is the cores left to it ÷ the {cores} cores (below the table). {quota.Description}.");
        md.AppendLine();
        md.AppendLine("| workload | policy | alone /s (threads) | beside a second copy: /s summed (share each) | beside a CPU hog: /s (share) | under a CPU quota: /s (threads, share) |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (string workload in ContentionChild.Workloads)
        {
            foreach (var policy in policies)
            {
                var rows = measurements.Where(m => m.Workload == workload && m.Policy == policy.Key).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                double Median(Contention.Scenario scenario, Func<IEnumerable<Contention.Measurement>, double> perRound)
                {
                    var values = rows.Where(m => m.Scenario == scenario).GroupBy(m => m.Round).Select(g => perRound(g)).ToList();
                    return values.Count == 0 ? double.NaN : Statistics.Median(values);
                }

                double alone = Median(Contention.Scenario.Alone, g => g.Single().PerSecond);
                int threads = rows.First(m => m.Scenario == Contention.Scenario.Alone).Threads;
                double pairSum = Median(Contention.Scenario.SecondCopy, g => g.Sum(m => m.PerSecond));
                double pairLow = Median(Contention.Scenario.SecondCopy, g => g.Min(m => m.PerSecond));
                double pairHigh = Median(Contention.Scenario.SecondCopy, g => g.Max(m => m.PerSecond));
                double hog = Median(Contention.Scenario.CpuHog, g => g.Single().PerSecond);
                double quotaRate = Median(Contention.Scenario.CpuQuota, g => g.Single().PerSecond);
                string quotaCell = double.IsNaN(quotaRate) ? "not measured"
                    : $"{F(quotaRate, "0.0")} ({rows.First(m => m.Scenario == Contention.Scenario.CpuQuota).Threads}, {F(100 * quotaRate / alone, "0")}%)";
                md.AppendLine($"| {workload} | {policy.Name} | {F(alone, "0.0")} ({threads}) | {F(pairSum, "0.0")} ({F(100 * pairLow / alone, "0")}–{F(100 * pairHigh / alone, "0")}%) | "
                    + $"{F(hog, "0.0")} ({F(100 * hog / alone, "0")}%) | {quotaCell} |");
            }
        }

        md.AppendLine();
        md.AppendLine($"Ideal shares on {cores} cores: beside a second copy {F(100.0 / 2, "0")}% each; beside a one-thread hog {F(100.0 * (cores - 1) / cores, "0")}% "
            + $"(the hog's core is taken); under a quota of {quota.Cores} core(s) {F(100.0 * quota.Cores / cores, "0")}%.");
        md.AppendLine();
        md.AppendLine("Quiet-machine cost of the defaults: each round times the workload alone with Ibex's defaults and with OpenMP and libtorch left to themselves (`IBEX_OPENMP=default`), the order swapped every round; the ratio is the defaults' step time ÷ the other's, paired by round.");
        md.AppendLine();
        md.AppendLine("| workload | paired median | range | rounds |");
        md.AppendLine("|---|---|---|---|");
        foreach (var (workload, ratio, low, high, count) in quiet)
        {
            md.AppendLine($"| {workload} | {F(ratio, "0.000")} | {F(low, "0.000")}–{F(high, "0.000")} | {count} |");
        }

        md.AppendLine();
        md.AppendLine($"A sweep on one node: `PhaseTransition sweep run --preset {SweepTiming.Preset} --jobs J` ({SweepTiming.Points} points from scratch, the jobs splitting the cores' threads between them), timed as a whole.");
        md.AppendLine();
        md.AppendLine("| jobs | threads each | seconds | points per hour | time ÷ 1 job |");
        md.AppendLine("|---|---|---|---|---|");
        double? single = sweeps.FirstOrDefault(s => s.Jobs == 1)?.Seconds;
        foreach (var sweep in sweeps)
        {
            md.AppendLine($"| {sweep.Jobs} | {Math.Max(1, cores / sweep.Jobs)} | {F(sweep.Seconds, "0.0")} | {F(sweep.PointsPerHour, "0")} | {(single is { } s ? F(sweep.Seconds / s, "0.00") : "")} |");
        }

        md.AppendLine();
        md.AppendLine("What the policies are and why the defaults are what they are: [performance-analysis.md](performance-analysis.md), \"Shared machines\".");
        md.AppendLine(End);
        return md.ToString();
    }

    /// <summary>Puts <paramref name="section"/> in place of the file's contention section, or at its end when it has none.</summary>
    public static void Replace(string path, string section)
    {
        string text = File.Exists(path) ? File.ReadAllText(path) : "";
        string rest = Keep(text) is { } old ? text.Replace(old, "") : text;
        string updated = rest.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
        Ibex.Runtime.IO.AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(updated);
        });
    }

    /// <summary>The contention section of a performance.md, markers included, or null when it has none.</summary>
    public static string? Keep(string text)
    {
        int start = text.IndexOf(Start, StringComparison.Ordinal);
        int end = text.IndexOf(End, StringComparison.Ordinal);
        return start >= 0 && end > start ? text[start..(end + End.Length)] + Environment.NewLine : null;
    }
}
