using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;

namespace Ibex.Bench.Performance;

/// <summary>
/// Runs one implementation's training step many times in a process of its own and reports its resident memory and the
/// number of live tensors after warm-up and at the end: both must stay flat.
/// </summary>
public static class MemoryProbe
{
    /// <param name="RssBeforeNetworkMb">Resident memory once the runtime and libtorch are loaded, before the network is built.</param>
    /// <param name="HeapAfterForwardMb">The most the C heap held for live allocations right after a step's forward (<see cref="NativeHeapInUse"/>), over all steps.</param>
    /// <param name="HeapPeakMb">The most it held at any moment of the steps after warm-up, read about every millisecond (<see cref="NativeHeapInUse.PeakSampler"/>).</param>
    /// <param name="RssCurveMb">Resident memory after each tenth of the steps.</param>
    public sealed record Sample(string Implementation, string Workload, int Steps, double RssBeforeNetworkMb, double HeapAfterForwardMb, double HeapPeakMb,
        double RssAfterWarmupMb, double RssEndMb, double PeakRssMb, long LiveTensorsAfterWarmup, long LiveTensorsEnd, double[] RssCurveMb)
    {
        /// <summary>
        /// Flat: no more live tensors at the end than after warm-up, and no upward trend in resident memory: the second
        /// half of the run never goes more than 5% above the first half's highest point (glibc's heap settles into a
        /// steady state that moves up and down as it trims).
        /// </summary>
        public bool IsFlat => LiveTensorsEnd <= LiveTensorsAfterWarmup
            && RssCurveMb.Skip(RssCurveMb.Length / 2).Max() <= RssCurveMb.Take(RssCurveMb.Length / 2).Max() * 1.05;
    }

    /// <summary>Inside the child process: <c>memory IMPLEMENTATION WORKLOAD STEPS</c>.</summary>
    public static int RunChild(string implementation, string workload, int steps)
    {
        torch.set_num_threads(Program.Threads);
        var kind = WorkloadKind.Parse(workload);
        double rssBeforeNetwork = Status("VmRSS");
        using var run = implementation == "ibex" ? Workload.Ibex(kind) : Workload.HandWritten(kind);
        double heapAfterForward = 0;
        run.AfterForward = () => heapAfterForward = Math.Max(heapAfterForward, NativeHeapInUse.Mb());
        run.Train();
        int warmup = Math.Min(50, steps / 2);
        double rssWarm = 0;
        long liveWarm = 0;
        var curve = new double[10];
        NativeHeapInUse.PeakSampler? sampler = null;
        for (int i = 1; i <= steps; i++)
        {
            run.Step();
            if (i == warmup)
            {
                rssWarm = Status("VmRSS");
                liveWarm = torch.Tensor.TotalCount;
                sampler = new NativeHeapInUse.PeakSampler();
            }

            if (i % Math.Max(1, steps / 10) == 0 && i / Math.Max(1, steps / 10) <= 10)
            {
                curve[i / Math.Max(1, steps / 10) - 1] = Status("VmRSS");
            }
        }

        sampler?.Dispose();
        double heapPeak = sampler?.PeakMb ?? 0;
        var sample = new Sample(implementation, workload, steps, rssBeforeNetwork, heapAfterForward, heapPeak, rssWarm, Status("VmRSS"), Status("VmHWM"), liveWarm, torch.Tensor.TotalCount, curve);
        Console.WriteLine(JsonSerializer.Serialize(sample));
        return 0;
    }

    /// <summary>
    /// Inside the child process: <c>time-steps IMPLEMENTATION WORKLOAD WARMUP STEPS [eval]</c>. Prints a <see cref="Timing"/>:
    /// the median step in milliseconds and, beside it, the ceiling's product timed in the same process between
    /// <see cref="CeilingBlocks"/> blocks of the measured steps, so that a step and the ceiling it is compared with see the
    /// same moment of a shared host.
    /// </summary>
    public static int TimeChild(string implementation, string workload, int warmup, int steps, bool evaluation = false)
    {
        torch.set_num_threads(Program.Threads);
        var kind = WorkloadKind.Parse(workload);
        using var run = implementation switch
        {
            "ibex" => Workload.Ibex(kind),
            "deterministic" => Workload.Deterministic(kind),
            _ => Workload.HandWritten(kind),
        };
        Action measured = evaluation ? run.EvaluationForward : run.Step;
        if (evaluation)
        {
            run.Eval();
        }
        else
        {
            run.Train();
        }

        for (int i = 0; i < warmup; i++)
        {
            measured();
        }

        // The ceiling's product timed before each block of measured steps and after the last, so that the steps and the
        // ceiling they are compared with share the same stretch of a shared host.
        using var ceiling = new CeilingProduct();
        var times = new System.Collections.Generic.List<double>();
        var ceilingTimes = ceiling.Time(repetitions: 3);
        for (int block = 0; block < CeilingBlocks; block++)
        {
            int blockSteps = steps / CeilingBlocks + (block < steps % CeilingBlocks ? 1 : 0);
            for (int i = 0; i < blockSteps; i++)
            {
                var clock = Stopwatch.StartNew();
                measured();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            ceilingTimes.AddRange(ceiling.Time(repetitions: 3));
        }

        Console.WriteLine(Statistics.Median(times).ToString("R", CultureInfo.InvariantCulture) + " " + Statistics.Median(ceilingTimes).ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>How many blocks the measured steps of a timing child are split into, with the ceiling timed before each and after the last.</summary>
    public const int CeilingBlocks = 5;

    /// <summary>One timing child's result: the median step and the median of the ceiling's product timed beside the steps.</summary>
    public readonly record struct Timing(double StepMs, double CeilingMs);

    /// <summary>
    /// The median of <paramref name="steps"/> training steps (or evaluation forwards) after <paramref name="warmup"/>,
    /// in a fresh process of its own, so that no other implementation shares its heap.
    /// </summary>
    public static Timing TimeInOwnProcess(string implementation, WorkloadKind kind, int warmup, int steps, bool evaluation)
        => RunTimingChild(ChildProcess($"time-steps {implementation} {kind} {warmup} {steps}{(evaluation ? " eval" : "")}"));

    /// <summary>The median Ibex step of <paramref name="kind"/> in a child process with <c>IBEX_KERNELS=<paramref name="kernels"/></c>.</summary>
    public static Timing TimeWithKernels(string kernels, WorkloadKind kind, int warmup, int steps)
    {
        var start = ChildProcess($"time-steps ibex {kind} {warmup} {steps}");
        start.Environment["IBEX_KERNELS"] = kernels;
        return RunTimingChild(start);
    }

    private static Timing RunTimingChild(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The timing child '{start.Arguments}' failed with exit code {process.ExitCode}: {output}");
        }

        string[] fields = output.Trim().Split('\n')[^1].Split(' ');
        return new Timing(double.Parse(fields[0], CultureInfo.InvariantCulture), double.Parse(fields[1], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// This program with <paramref name="arguments"/>: through the same host (<c>dotnet bench.dll</c>, or the app host
    /// <c>dotnet run</c> starts) so the child loads the same runtime and native libraries.
    /// </summary>
    internal static ProcessStartInfo ChildProcess(string arguments)
    {
        string host = Environment.ProcessPath!;
        bool viaDotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        string commandLine = viaDotnet ? $"{typeof(Program).Assembly.Location} {arguments}" : arguments;
        return new ProcessStartInfo(host, commandLine) { RedirectStandardOutput = true };
    }

    /// <summary>Starts this program as a child process for one measurement.</summary>
    public static Sample Measure(string implementation, WorkloadKind kind, int steps)
    {
        var start = ChildProcess($"memory {implementation} {kind} {steps}");
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The memory probe for {implementation} {kind} failed with exit code {process.ExitCode}: {output}");
        }

        return JsonSerializer.Deserialize<Sample>(output.Trim().Split('\n')[^1])!;
    }

    /// <summary>A line of /proc/self/status in MiB (VmRSS: now; VmHWM: the peak).</summary>
    private static double Status(string key)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
