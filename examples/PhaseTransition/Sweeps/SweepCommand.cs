using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.IO;

namespace Ibex.Examples.PhaseTransition;

/// <summary>
/// <c>sweep run|report|slurm|kubernetes</c>: a sweep over declared networks (see <see cref="SweepSpec"/>).
/// <list type="bullet">
/// <item><c>run</c>: trains the points without a result; <c>--jobs J</c> as J local processes, or one task of an array
/// (<c>--task I --tasks K</c>, or the scheduler's variables).</item>
/// <item><c>report</c>: merges whatever exists into CSV, JSON, PNG plots, summary.md and report.html.</item>
/// <item><c>slurm</c>: writes the sbatch script of a job array (<c>--submit</c> submits it).</item>
/// <item><c>kubernetes</c>: writes an Indexed Job manifest.</item>
/// </list>
/// </summary>
internal static class SweepCommand
{
    private const string Usage = "Usage: sweep run|report|slurm|kubernetes [--preset architectures|architectures-quick] [--quick] [--results DIR] [--out DIR] [--csv FILE] [--data DIR] "
        + "[--jobs J] [--task I --tasks K] [--threads T] [--cpus C] [--gpus G] [--partition P] [--time T] [--script FILE] [--submit] [--image IMAGE] [--claim PVC] [--parallelism P] [--manifest FILE]";

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("run" or "report" or "slurm" or "kubernetes"))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var options = Options(args.Skip(1).ToArray());
        string preset = options.TryGetValue("--preset", out var name) ? name : options.ContainsKey("--quick") ? "architectures-quick" : "architectures";
        var spec = SweepSpec.Preset(preset);
        string results = Path.GetFullPath(Get(options, "--results", Path.Combine("runs", "sweep-" + spec.Name)));
        string data = Get(options, "--data", FashionMnist.DefaultDirectory);
        int Int(string key, int fallback) => options.TryGetValue(key, out var text)
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : throw new ArgumentException($"{key} takes a whole number, not '{text}'. {Usage}")
            : fallback;
        int? Maybe(string key) => options.ContainsKey(key) ? Int(key, 0) : null;
        int tasks = Int("--tasks", Math.Max(1, Math.Min(spec.Jobs().Count, Environment.ProcessorCount)));

        switch (args[0])
        {
            case "run":
                if (options.ContainsKey("--jobs"))
                {
                    SweepEngine.RunLocally(spec, results, Int("--jobs", 1), data, Maybe("--threads"));
                    return 0;
                }

                var (task, count) = SweepEngine.ResolveTask(Maybe("--task"), Maybe("--tasks"), Environment.GetEnvironmentVariable);
                SweepEngine.Run(spec, results, task, count, Int("--threads", Math.Max(1, Environment.ProcessorCount)), data);
                return 0;
            case "report":
                string output = Get(options, "--out", spec.Quick ? Path.Combine(results, "report") : Path.Combine("docs", "results", "architecture-independence"));
                string? csv = options.TryGetValue("--csv", out var csvPath) ? csvPath : spec.Quick ? null : Path.Combine("docs", "results", "architecture-independence.csv");
                var report = ArchitectureReportWriter.Write(spec, results, output, csv);
                Console.WriteLine(File.ReadAllText(Path.Combine(output, "summary.md")));
                return report.Points.Count == spec.Jobs().Count ? 0 : 1;
            case "slurm":
                var slurm = new SchedulerRun(SelfProcesses.CommandLine(), results, tasks, Int("--cpus", 1), Int("--gpus", 0), Path.GetFullPath(data));
                string script = Path.GetFullPath(Get(options, "--script", Path.Combine(results, "sweep.sbatch")));
                Directory.CreateDirectory(results);
                AtomicFile.WriteAllBytes(script, System.Text.Encoding.UTF8.GetBytes(SweepSchedulers.SlurmScript(spec, slurm,
                    options.GetValueOrDefault("--partition"), options.GetValueOrDefault("--time"))));
                Console.WriteLine($"Wrote {script}: a job array of {tasks} tasks over {spec.Jobs().Count} points, results in {results}");
                if (options.ContainsKey("--submit"))
                {
                    return Submit(script);
                }

                return 0;
            default:
                var run = new SchedulerRun(new[] { "dotnet", "/app/Ibex.Examples.PhaseTransition.dll" }, "/results", tasks, Int("--cpus", 1), Int("--gpus", 0), "/data/fashion-mnist");
                var job = SweepSchedulers.KubernetesJob(spec, run, Get(options, "--image", "ibex-sweep:latest"), Get(options, "--claim", "ibex-sweep-results"), Int("--parallelism", tasks));
                string manifest = Path.GetFullPath(Get(options, "--manifest", Path.Combine(results, "sweep-job.yaml")));
                Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
                AtomicFile.WriteAllBytes(manifest, System.Text.Encoding.UTF8.GetBytes(SweepSchedulers.KubernetesYaml(job)));
                Console.WriteLine($"Wrote {manifest}: an Indexed Job of {tasks} completions over {spec.Jobs().Count} points (kubectl apply -f {manifest})");
                return 0;
        }
    }

    private static int Submit(string script)
    {
        var start = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--parsable");
        start.ArgumentList.Add(script);
        try
        {
            using var sbatch = Process.Start(start)!;
            string output = sbatch.StandardOutput.ReadToEnd().Trim(), error = sbatch.StandardError.ReadToEnd().Trim();
            sbatch.WaitForExit();
            if (sbatch.ExitCode != 0)
            {
                Console.Error.WriteLine($"sbatch refused {script} (exit {sbatch.ExitCode}): {error}");
                return 1;
            }

            Console.WriteLine($"Submitted job array {output}; watch it with squeue -j {output}, then run 'sweep report'.");
            return 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("sbatch is not on PATH: submit the script on a Slurm login node, or run without --submit and submit it yourself.");
            return 1;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected '{args[i]}'. {Usage}");
            }

            bool flag = args[i] is "--quick" or "--submit";
            if (!flag && i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            }

            options[args[i]] = flag ? "true" : args[++i];
        }

        return options;
    }

    private static string Get(Dictionary<string, string> options, string key, string fallback) => options.TryGetValue(key, out var value) ? value : fallback;
}
