using System;
using System.Runtime.InteropServices;
using Xunit;

namespace Ibex.Runtime.Tests;

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
        bool wasOn = NativeHeap.AreLargeBlocksMapped;
        if (!NativeHeap.MapLargeBlocks(true))
        {
            Assert.False(NativeHeap.IsTrimThresholdRaised, "glibc kept the trim threshold but refused the mmap threshold.");
            return;
        }

        try
        {
            Assert.True(NativeHeap.AreLargeBlocksMapped);
            for (int trial = 0; trial < 8; trial++)
            {
                int large = NativeHeap.LargeBlockBytes + Random.Shared.Next(0, 2 * NativeHeap.LargeBlockBytes);
                int small = Random.Shared.Next(1 << 18, NativeHeap.LargeBlockBytes - (64 << 10));
                Assert.True(IsMapped(large), $"A block of {large} bytes came from the heap with large blocks mapped.");
                Assert.False(IsMapped(small), $"A block of {small} bytes got a mapping of its own; only blocks from {NativeHeap.LargeBlockBytes} up should.");
            }

            // Turned off, the threshold is back where priming left it: a block under 32 MiB comes from the heap.
            Assert.True(NativeHeap.MapLargeBlocks(false));
            Assert.False(NativeHeap.AreLargeBlocksMapped);
            int unmapped = NativeHeap.LargeBlockBytes + Random.Shared.Next(0, 2 * NativeHeap.LargeBlockBytes);
            Assert.False(IsMapped(unmapped), $"A block of {unmapped} bytes got a mapping of its own with large blocks no longer mapped.");
        }
        finally
        {
            NativeHeap.MapLargeBlocks(wasOn);
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
