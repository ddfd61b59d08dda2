using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Ibex.Bench.Performance;

/// <summary>
/// <c>contention [--seconds S] [--rounds R] [--quiet-rounds Q] [--sweep-jobs 1,2,4] [--reuse-steps] [--out docs/performance.md]</c>: how
/// Ibex's training and prediction hold up on a machine shared with other work, against PyTorch under the same
/// conditions, and what the thread defaults cost on a quiet machine. Writes <c>docs/results/contention.csv</c> and the
/// "Shared machines" section of <c>docs/performance.md</c>.
/// </summary>
/// <remarks>
/// Every measurement is a set of whole processes started together: the workload alone, beside a second copy of itself,
/// beside a one-thread CPU hog, and alone under a CPU quota of one core less than the machine has (a cgroup). A copy's
/// share is its throughput there ÷ its throughput alone under the same policy; the ideal share is the cores left to it ÷
/// the machine's cores. The quiet-machine cost is the paired median, over alternating rounds, of the defaults' step time ÷
/// the step time with OpenMP and libtorch left to themselves.
/// </remarks>
public static class Contention
{
    /// <summary>A thread policy: a name and the environment a child gets.</summary>
    public sealed record Policy(string Name, string Key, IReadOnlyDictionary<string, string> Environment);

    /// <summary>Where a workload runs: alone, beside a second copy, beside a CPU hog, or under a CPU quota.</summary>
    public enum Scenario { Alone, SecondCopy, CpuHog, CpuQuota }

    /// <summary>One measured copy.</summary>
    public sealed record Measurement(string Workload, string Policy, Scenario Scenario, int Round, int Copy, double PerSecond, int Threads);

    public static readonly Policy Before = new("OpenMP's and libtorch's own (before)", "before", new Dictionary<string, string> { ["IBEX_OPENMP"] = "default" });
    public static readonly Policy After = new("Ibex's defaults (after)", "after", new Dictionary<string, string>());
    public static readonly Policy Passive = new("OMP_WAIT_POLICY=PASSIVE", "passive", new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "PASSIVE" });
    public static readonly Policy OneThread = new("1 thread (OMP_NUM_THREADS=1)", "one-thread", new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });
    public static readonly Policy PyTorch = new("PyTorch 1.13, its defaults", "pytorch", new Dictionary<string, string>());

    public static int Run(string[] args)
    {
        double seconds = double.Parse(Program.Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Program.Option(args, "--rounds") ?? "2", CultureInfo.InvariantCulture);
        int quietRounds = int.Parse(Program.Option(args, "--quiet-rounds") ?? "10", CultureInfo.InvariantCulture);
        int[] sweepJobs = (Program.Option(args, "--sweep-jobs") ?? "1,2,4").Split(',').Select(j => int.Parse(j, CultureInfo.InvariantCulture)).ToArray();
        string root = Program.RepositoryRoot();
        string output = Program.Option(args, "--out") ?? Path.Combine(root, "docs", "performance.md");
        CheckPrerequisites(root);

        string csv = Path.Combine(root, "docs", "results", "contention.csv");
        using var quota = CpuQuota.TryCreate(Math.Max(1, Environment.ProcessorCount - 1));
        Console.WriteLine(quota.Description);

        var policies = new[] { Before, After, Passive, OneThread };
        // --reuse-steps keeps the scenarios' measurements of an earlier run (its CSV) and measures the rest anew.
        var measurements = args.Contains("--reuse-steps") ? ReadCsv(csv) : new List<Measurement>();
        foreach (string workload in args.Contains("--reuse-steps") ? Array.Empty<string>() : ContentionChild.Workloads)
        {
            foreach (var policy in workload == "mlp-predict" ? policies : policies.Append(PyTorch))
            {
                for (int round = 0; round < rounds; round++)
                {
                    foreach (var scenario in Enum.GetValues<Scenario>())
                    {
                        if (scenario == Scenario.CpuQuota && !quota.IsAvailable)
                        {
                            continue;
                        }

                        var copies = Measure(workload, policy, scenario, seconds, quota);
                        measurements.AddRange(copies.Select((c, i) => new Measurement(workload, policy.Key, scenario, round, i, c.PerSecond, c.Threads)));
                        WriteCsv(csv, measurements);
                        Console.WriteLine($"{workload,-12} {policy.Key,-10} {scenario,-10} round {round}: "
                            + string.Join(", ", copies.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.PerSecond:F2}/s ({c.Threads} threads)"))));
                    }
                }
            }
        }

        var quiet = QuietCost(quietRounds, seconds);
        var sweeps = sweepJobs.Select(jobs => SweepTiming.Run(root, jobs)).ToList();

        string section = ContentionReport.Write(measurements, policies.Append(PyTorch).ToList(), quiet, sweeps, quota, seconds, rounds);
        ContentionReport.Replace(output, section);
        Console.WriteLine(section);
        Console.WriteLine($"Wrote {csv} and the shared-machines section of {output}.");
        return 0;
    }

    /// <summary>Every measurement so far, rewritten after each, so that an interrupted run keeps what it measured.</summary>
    private static void WriteCsv(string path, IEnumerable<Measurement> measurements)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, new[] { "workload,policy,scenario,round,copy,per_second,threads" }
            .Concat(measurements.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Workload},{m.Policy},{m.Scenario},{m.Round},{m.Copy},{m.PerSecond:R},{m.Threads}"))));
    }

    private static List<Measurement> ReadCsv(string path)
        => File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Select(f => new Measurement(f[0], f[1], Enum.Parse<Scenario>(f[2]), int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture),
                double.Parse(f[5], CultureInfo.InvariantCulture), int.Parse(f[6], CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Fails at once, rather than after half an hour of measurements, when PyTorch or the sweep's example is missing.</summary>
    private static void CheckPrerequisites(string root)
    {
        var python = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-c", "import torch" } };
        using (var check = Process.Start(python)!)
        {
            check.WaitForExit();
            if (check.ExitCode != 0)
            {
                throw new InvalidOperationException("Debian's PyTorch is missing; install it with: apt-get install -y python3-torch libopenblas0-pthread");
            }
        }

        SweepTiming.CheckBuilt(root);
    }

    /// <summary>Starts the copies a scenario needs at once and returns each copy's throughput and thread count.</summary>
    private static IReadOnlyList<(double PerSecond, int Threads)> Measure(string workload, Policy policy, Scenario scenario, double seconds, CpuQuota quota)
    {
        int copies = scenario == Scenario.SecondCopy ? 2 : 1;
        using var hog = scenario == Scenario.CpuHog ? Process.Start(MemoryProbe.ChildProcess(string.Create(CultureInfo.InvariantCulture, $"hog {seconds * 4}"))) : null;
        var processes = Enumerable.Range(0, copies).Select(_ =>
        {
            var start = policy == PyTorch ? PyTorchStart(workload, seconds) : MemoryProbe.ChildProcess(string.Create(CultureInfo.InvariantCulture, $"contention-child {workload} {seconds}"));
            foreach (var (name, value) in policy.Environment)
            {
                start.Environment[name] = value;
            }

            if (scenario == Scenario.CpuQuota)
            {
                start = quota.Wrap(start);
            }

            start.RedirectStandardError = true;
            return Process.Start(start)!;
        }).ToList();

        var results = new List<(double, int)>();
        foreach (var process in processes)
        {
            string text = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"A contention child ({workload}, {policy.Key}, {scenario}) failed with exit code {process.ExitCode}: {text} {errors}");
            }

            results.Add(policy == PyTorch ? ReadPyTorch(text) : ReadChild(text));
            process.Dispose();
        }

        if (hog is { HasExited: false })
        {
            hog.Kill();
            hog.WaitForExit();
        }

        return results;
    }

    /// <summary>
    /// The training step's median in PyTorch for about as long as an Ibex child measures; PyTorch keeps its own thread
    /// default (as many as the machine's processors, a quota or not), as its users get it.
    /// </summary>
    private static ProcessStartInfo PyTorchStart(string workload, double seconds)
    {
        string model = workload == "mlp-train" ? "mlp" : "cnn";
        int steps = (int)Math.Ceiling(seconds * (model == "mlp" ? 40 : 10));
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "pytorch_step.py"), "time", "--model", model, "--batch", "128", "--steps", steps.ToString(CultureInfo.InvariantCulture), "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static (double, int) ReadChild(string text)
    {
        string[] fields = text.Trim().Split('\n')[^1].Split(' ');
        return (double.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture));
    }

    private static (double, int) ReadPyTorch(string text)
    {
        using var json = System.Text.Json.JsonDocument.Parse(text.Trim().Split('\n')[^1]);
        return (1000 / json.RootElement.GetProperty("train_step_ms").GetDouble(), Environment.ProcessorCount);
    }

    /// <summary>The quiet-machine cost: per workload, the paired median of after ÷ before step time over alternating rounds.</summary>
    private static IReadOnlyList<(string Workload, double Ratio, double Low, double High, int Rounds)> QuietCost(int rounds, double seconds)
    {
        var costs = new List<(string, double, double, double, int)>();
        foreach (string workload in new[] { "mlp-train", "cnn-train" })
        {
            var ratios = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                // The order swaps every round: a fixed order favours whichever process runs second.
                var order = round % 2 == 0 ? new[] { After, Before } : new[] { Before, After };
                var perSecond = order.ToDictionary(p => p.Key, p => Measure(workload, p, Scenario.Alone, seconds, CpuQuota.None)[0].PerSecond);
                ratios.Add(perSecond[Before.Key] / perSecond[After.Key]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quiet {workload} round {round}: after ÷ before step time {ratios[^1]:F3}"));
            }

            costs.Add((workload, Statistics.MiddleMedian(ratios), ratios.Min(), ratios.Max(), rounds));
        }

        return costs;
    }
}
