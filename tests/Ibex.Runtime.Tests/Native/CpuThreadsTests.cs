using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Ibex.Runtime.Native;
using Xunit;

namespace Ibex.Runtime.Tests.Native;

/// <summary>
/// What OpenMP runs with in a fresh process that loads libtorch through Ibex, read from OpenMP's own report of its settings
/// (<c>OMP_DISPLAY_ENV=VERBOSE</c>, printed when the runtime loads), and the thread count libtorch is left with.
/// </summary>
public sealed class CpuThreadsTests
{
    private static readonly string[] OpenMpVariables =
        { CpuThreads.WaitPolicyVariable, CpuThreads.SpinCountVariable, CpuThreads.ThreadCountVariable, CpuThreads.SettingVariable, "DOTNET_PROCESSOR_COUNT" };

    [Fact]
    public void UnlessTheEnvironmentSaysOtherwiseOpenMpRunsWithIbexsSpinCount()
    {
        var probe = Probe(new Dictionary<string, string>());
        Assert.Equal(OperatingSystem.IsLinux() ? CpuThreads.DefaultSpinCount : "300000", probe.SpinCount);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal($"{CpuThreads.SpinCountVariable}={CpuThreads.DefaultSpinCount}, set by Ibex", probe.WaitPolicy);
        }
    }

    [Fact]
    public void AMainThatTouchesTorchFirstStillRunsWithIbexsSpinCountThroughTheModuleInitializer()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Before the module initializer, OpenMP loaded here with its own 300,000 rounds and Ibex could only report it.
        var first = Run(new Dictionary<string, string>(), TorchFirstProgram);
        Assert.Equal(CpuThreads.DefaultSpinCount, first.SpinCount);
        Assert.Equal($"{CpuThreads.SpinCountVariable}={CpuThreads.DefaultSpinCount}, set by Ibex", first.WaitPolicy);

        // Manage = false in Main comes after the module initializer, and still leaves OpenMP its own setting.
        var unmanaged = Run(new Dictionary<string, string>(), TorchFirstProgram, "unmanaged");
        Assert.Equal("300000", unmanaged.SpinCount);
        Assert.StartsWith("OpenMP's own (spin 300,000 rounds), since CpuThreads.Manage is false", unmanaged.WaitPolicy);

        // The environment's word still wins over the module initializer's.
        string spin = Random.Shared.Next(1, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var given = Run(new Dictionary<string, string> { [CpuThreads.SpinCountVariable] = spin }, TorchFirstProgram);
        Assert.Equal(spin, given.SpinCount);
        Assert.Equal($"{CpuThreads.SpinCountVariable}={spin}, from the environment", given.WaitPolicy);
    }

    [Fact]
    public void ASpinCountOrWaitPolicyFromTheEnvironmentIsWhatRuns()
    {
        string spin = Random.Shared.Next(1, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var given = Probe(new Dictionary<string, string> { [CpuThreads.SpinCountVariable] = spin });
        Assert.Equal(spin, given.SpinCount);
        Assert.Equal($"{CpuThreads.SpinCountVariable}={spin}, from the environment", given.WaitPolicy);

        // ACTIVE spins for minutes (30,000,000,000 rounds), PASSIVE not at all: either way Ibex adds no spin count of its own.
        var active = Probe(new Dictionary<string, string> { [CpuThreads.WaitPolicyVariable] = "ACTIVE" });
        Assert.Equal("30000000000", active.SpinCount);
        var passive = Probe(new Dictionary<string, string> { [CpuThreads.WaitPolicyVariable] = "PASSIVE" });
        Assert.Equal("0", passive.SpinCount);
        Assert.Equal($"{CpuThreads.WaitPolicyVariable}=PASSIVE, from the environment", passive.WaitPolicy);
    }

    [Fact]
    public void IbexOpenMpDefaultLeavesOpenMpAndTheThreadCountAlone()
    {
        var probe = Probe(new Dictionary<string, string> { [CpuThreads.SettingVariable] = "default", ["DOTNET_PROCESSOR_COUNT"] = "1" });
        Assert.Equal("300000", probe.SpinCount);
        Assert.Equal(Probe(new Dictionary<string, string> { [CpuThreads.SettingVariable] = "default" }).Threads, probe.Threads);
    }

    [Fact]
    public void LibTorchComputesWithNoMoreThreadsThanDotNetSaysTheProcessMayUse()
    {
        // DOTNET_PROCESSOR_COUNT stands in for a container's CPU quota: .NET derives Environment.ProcessorCount from either.
        int all = Probe(new Dictionary<string, string>()).Threads;
        int allowed = all > 1 ? Random.Shared.Next(1, all) : 1;
        var limited = Probe(new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = allowed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(Math.Min(all, allowed), limited.Threads);

        // OMP_NUM_THREADS is the user's word and stays, even above the processors .NET reports.
        var told = Probe(new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1", [CpuThreads.ThreadCountVariable] = all.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(all, told.Threads);
    }

    [Fact]
    public void ProcessesSharingTheMachineSplitItsProcessors()
    {
        int processors = Environment.ProcessorCount;
        Assert.Equal(processors, CpuThreads.Share(1));
        int processes = Random.Shared.Next(1, 2 * processors + 1);
        int share = CpuThreads.Share(processes);
        Assert.True(share >= 1);
        Assert.True(share * processes <= processors || share == 1, $"{processes} processes × {share} threads exceed {processors} processors");
        Assert.True((share + 1) * processes > processors, $"{processes} processes could each have had {share + 1} threads on {processors} processors");
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuThreads.Share(0));
    }

    private sealed record ProbeResult(int Threads, string SpinCount, string WaitPolicy);

    /// <summary>A program whose Main computes with torch before any Ibex call, in an assembly that declares a network.</summary>
    private const string TorchFirstProgram = "Ibex.Runtime.Tests.TorchFirst.dll";

    /// <summary>The heap probe's <c>openmp</c> mode, which loads libtorch through Ibex first.</summary>
    private static ProbeResult Probe(Dictionary<string, string> environment) => Run(environment, "Ibex.Runtime.Tests.HeapProbe.dll", "openmp");

    /// <summary>Runs <paramref name="program"/> in a fresh process and reads its thread count, OpenMP's spin count and Ibex's account of it.</summary>
    private static ProbeResult Run(Dictionary<string, string> environment, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in OpenMpVariables)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["OMP_DISPLAY_ENV"] = "VERBOSE";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string display = errors.Result + output;
        Assert.True(process.ExitCode == 0, $"the probe failed with {string.Join(", ", environment)}: {display}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith(' ') && !line.StartsWith("OPENMP DISPLAY", StringComparison.Ordinal)).ToList();
        string[] fields = lines[^2].Split(' ');
        Assert.Equal("16777216", fields[1]);
        var spin = Regex.Match(display, @"GOMP_SPINCOUNT = '(\d+)'");
        Assert.True(spin.Success, $"OpenMP did not report its spin count: {display}");
        return new ProbeResult(int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), spin.Groups[1].Value, lines[^1].Trim());
    }
}
