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
