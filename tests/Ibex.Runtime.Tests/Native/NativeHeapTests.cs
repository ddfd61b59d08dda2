using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace Ibex.Runtime.Tests.Native;

/// <summary>Loading libtorch sets glibc's thresholds once on Linux, unless IBEX_NATIVE_HEAP=default says not to.</summary>
public sealed class NativeHeapTests
{
    private static bool IsGlibc => OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);

    [Fact]
    public void LoadingLibTorchPrimesTheHeapOnLinuxUnlessTurnedOff()
    {
        TorchNative.EnsureLoaded();
        bool turnedOff = Environment.GetEnvironmentVariable(NativeHeap.SettingVariable) == "default";
        Assert.Equal(OperatingSystem.IsLinux() && !turnedOff, NativeHeap.IsPrimed);
        Assert.Equal(NativeHeap.IsPrimed, NativeHeap.PrimeThresholds());
    }

    [Fact]
    public void LoadingLibTorchRaisesGlibcsTrimThresholdUnlessTurnedOff()
    {
        TorchNative.EnsureLoaded();
        Assert.Equal(IsGlibc && NativeHeap.IsPrimed, NativeHeap.IsTrimThresholdRaised);
    }

    [Fact]
    public void WithLargeBlocksMappedBlocksFromEightMebibytesUpGetMappingsOfTheirOwnAndOtherwiseNot()
    {
        TorchNative.EnsureLoaded();
        var large = new int[4];
        var small = new int[4];
        for (int trial = 0; trial < large.Length; trial++)
        {
            large[trial] = NativeHeap.LargeBlockBytes + Random.Shared.Next(0, 2 * NativeHeap.LargeBlockBytes);
            small[trial] = Random.Shared.Next(1 << 18, NativeHeap.LargeBlockBytes - (64 << 10));
        }

        // In a process of its own: glibc serves a request from a large enough free chunk before it looks at the mmap
        // threshold, and this process's heap has grown and shrunk through the tests before this one.
        var probe = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        probe.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Ibex.Runtime.Tests.HeapProbe.dll"));
        foreach (int bytes in large.Concat(small))
        {
            probe.ArgumentList.Add(bytes.ToString(CultureInfo.InvariantCulture));
        }

        probe.Environment.Remove(NativeHeap.SettingVariable);
        using var process = Process.Start(probe)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the probe failed: {errors}");
        if (output.Trim() == "refused")
        {
            Assert.False(IsGlibc, "glibc refused the 8 MiB mmap threshold");
            return;
        }

        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' '))
            .ToDictionary(fields => (fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture)), fields => fields[2] == "mapped");
        foreach (int bytes in large)
        {
            Assert.True(results[("on", bytes)], $"A block of {bytes} bytes came from the heap with large blocks mapped.");
            // Turned off, the threshold is back where priming left it: a block under 32 MiB comes from the heap.
            Assert.False(results[("off", bytes)], $"A block of {bytes} bytes got a mapping of its own with large blocks no longer mapped.");
        }

        foreach (int bytes in small)
        {
            Assert.False(results[("on", bytes)], $"A block of {bytes} bytes got a mapping of its own; only blocks from {NativeHeap.LargeBlockBytes} up should.");
        }
    }

    [Fact]
    public void MappingLargeBlocksInCodeIsRecordedAndUndone()
    {
        TorchNative.EnsureLoaded();
        bool wasOn = NativeHeap.AreLargeBlocksMapped;
        try
        {
            Assert.Equal(NativeHeap.IsTrimThresholdRaised, NativeHeap.MapLargeBlocks(true));
            Assert.Equal(NativeHeap.IsTrimThresholdRaised, NativeHeap.AreLargeBlocksMapped);
            Assert.Equal(NativeHeap.IsTrimThresholdRaised, NativeHeap.MapLargeBlocks(false));
            Assert.False(NativeHeap.AreLargeBlocksMapped);
        }
        finally
        {
            NativeHeap.MapLargeBlocks(wasOn);
        }
    }

    [Fact]
    public void EveryTenthTrainingStepCollectsGenerationZeroWhereGlibcKeepsTheHeap()
    {
        TorchNative.EnsureLoaded();
        int before = GC.CollectionCount(0);
        for (int step = 0; step < NativeHeap.StepsPerCollection; step++)
        {
            NativeHeap.AfterTrainingStep();
        }

        if (NativeHeap.IsTrimThresholdRaised)
        {
            Assert.True(GC.CollectionCount(0) > before, $"{NativeHeap.StepsPerCollection} training steps ran no gen-0 collection.");
        }
        else
        {
            Assert.False(IsGlibc && Environment.GetEnvironmentVariable(NativeHeap.SettingVariable) != "default");
        }
    }

    [Fact]
    public void PeriodicCollectionsStopWhenTurnedOffInCode()
    {
        TorchNative.EnsureLoaded();
        bool saved = NativeHeap.CollectPeriodically;
        NativeHeap.CollectPeriodically = false;
        try
        {
            int before = GC.CollectionCount(0);
            for (int step = 0; step < 10 * NativeHeap.StepsPerCollection; step++)
            {
                NativeHeap.AfterTrainingStep();
            }

            Assert.Equal(before, GC.CollectionCount(0));
        }
        finally
        {
            NativeHeap.CollectPeriodically = saved;
        }
    }
}
