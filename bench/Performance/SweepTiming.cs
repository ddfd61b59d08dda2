using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Ibex.Bench.Performance;

/// <summary>
/// The phase-transition example's quick sweep (<c>sweep run --preset architectures-quick --jobs J</c>, its 4 points) run
/// from scratch as one node would run it, timed as a whole: how many points a node finishes per hour with J jobs.
/// </summary>
public static class SweepTiming
{
    public const string Preset = "architectures-quick";

    /// <summary>The sweep's points (<c>SweepSpec.Preset("architectures-quick").Jobs()</c>: two networks × two β).</summary>
    public const int Points = 4;

    public sealed record Result(int Jobs, double Seconds)
    {
        public double PointsPerHour => Points * 3600 / Seconds;
    }

    /// <summary>The example's build output, or an error that says how to build it.</summary>
    public static string CheckBuilt(string root)
    {
        string example = Path.Combine(root, "examples", "PhaseTransition", "bin", "Release", "net10.0", "Ibex.Examples.PhaseTransition.dll");
        return File.Exists(example) ? example : throw new InvalidOperationException($"{example} is missing; build it first: dotnet build -c Release examples/PhaseTransition");
    }

    public static Result Run(string root, int jobs)
    {
        string example = CheckBuilt(root);

        string results = Path.Combine(Path.GetTempPath(), $"ibex-sweep-timing-{Environment.ProcessId}-{jobs}");
        if (Directory.Exists(results))
        {
            Directory.Delete(results, recursive: true);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { example, "sweep", "run", "--preset", Preset, "--jobs", jobs.ToString(CultureInfo.InvariantCulture), "--results", results })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        double seconds = clock.Elapsed.TotalSeconds;
        int written = Directory.Exists(results) ? Directory.GetFiles(results, "*.json").Length : 0;
        Directory.Delete(results, recursive: true);
        if (process.ExitCode != 0 || written != Points)
        {
            throw new InvalidOperationException($"The sweep with --jobs {jobs} failed (exit code {process.ExitCode}, {written} of {Points} points written): {output} {errors}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sweep --jobs {jobs}: {seconds:F1} s for {Points} points"));
        return new Result(jobs, seconds);
    }
}
