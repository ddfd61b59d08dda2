using System;
using System.Runtime.InteropServices;
using Xunit;

namespace Ibex.Runtime.Tests;

/// <summary>Loading libtorch sets glibc's thresholds once on Linux, unless IBEX_NATIVE_HEAP=default says not to.</summary>
public sealed class NativeHeapTests
{
    private static bool IsGlibc => OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);

    [Fact]
    public void LoadingLibTorchTunesGlibcsThresholdsUnlessTurnedOff()
    {
        TorchNative.EnsureLoaded();
        bool turnedOff = Environment.GetEnvironmentVariable(NativeHeap.SettingVariable) == "default";
        Assert.Equal(IsGlibc && !turnedOff, NativeHeap.IsTuned);
        Assert.Equal(NativeHeap.IsTuned, NativeHeap.TuneThresholds());
    }

    [Fact]
    public void BlocksFromTheMmapThresholdUpAreMappedAndSmallerOnesComeFromTheHeap()
    {
        TorchNative.EnsureLoaded();
        if (!NativeHeap.IsTuned)
        {
            Assert.False(IsGlibc && Environment.GetEnvironmentVariable(NativeHeap.SettingVariable) != "default");
            return;
        }

        // Left to glibc's own rule, the mmap threshold sits anywhere from 128 KiB to 32 MiB depending on what was freed
        // before; tuned, it is exactly MmapThresholdBytes.
        for (int trial = 0; trial < 8; trial++)
        {
            int large = NativeHeap.MmapThresholdBytes + Random.Shared.Next(0, 3 * NativeHeap.MmapThresholdBytes);
            int small = Random.Shared.Next(1 << 18, NativeHeap.MmapThresholdBytes - (64 << 10));
            Assert.True(IsMapped(large), $"A block of {large} bytes came from the heap; the mmap threshold is {NativeHeap.MmapThresholdBytes}.");
            Assert.False(IsMapped(small), $"A block of {small} bytes got a mapping of its own; the mmap threshold is {NativeHeap.MmapThresholdBytes}.");
        }
    }

    /// <summary>
    /// Allocates <paramref name="bytes"/> with malloc and reads glibc's IS_MMAPPED bit (0x2) in the size word just before
    /// the block, then frees it.
    /// </summary>
    private static bool IsMapped(int bytes)
    {
        IntPtr block = Marshal.AllocHGlobal(bytes);
        try
        {
            return (Marshal.ReadInt64(block, -8) & 2) != 0;
        }
        finally
        {
            Marshal.FreeHGlobal(block);
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

        if (NativeHeap.IsTuned)
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
