using System;
using Xunit;

namespace Ibex.Runtime.Tests;

/// <summary>Loading libtorch primes glibc's thresholds once on Linux, unless IBEX_NATIVE_HEAP=default says not to.</summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void LoadingLibTorchPrimesTheHeapOnLinuxUnlessTurnedOff()
    {
        TorchNative.EnsureLoaded();
        bool turnedOff = Environment.GetEnvironmentVariable(NativeHeap.SettingVariable) == "default";
        Assert.Equal(OperatingSystem.IsLinux() && !turnedOff, NativeHeap.IsPrimed);
        Assert.Equal(NativeHeap.IsPrimed, NativeHeap.PrimeThresholds());
    }
}
