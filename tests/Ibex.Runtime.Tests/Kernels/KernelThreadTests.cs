using System;
using System.Linq;
using System.Threading;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>How the kernels split their loops: libtorch's OpenMP team runs every chunk exactly once, and failures come back.</summary>
public sealed class KernelThreadTests
{
    public KernelThreadTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void LibTorchsOpenMpTeamIsFoundOnLinux()
    {
        if (OperatingSystem.IsLinux())
        {
            Assert.True(OpenMpTeam.IsAvailable, "GOMP_parallel was not found through libtorch_cpu.so; the kernels would fall back to .NET threads");
        }
        else
        {
            Assert.False(OperatingSystem.IsWindows() && OpenMpTeam.IsAvailable);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void EveryChunkRunsExactlyOnceWhateverTheTeamSize(int chunks)
    {
        if (!OpenMpTeam.IsAvailable)
        {
            return;
        }

        var runs = new int[chunks];
        OpenMpTeam.Run(chunks, c => Interlocked.Increment(ref runs[c]));
        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void AnExceptionInAChunkIsRethrownOnTheCallingThread()
    {
        if (!OpenMpTeam.IsAvailable)
        {
            return;
        }

        var thrown = Assert.Throws<AggregateException>(() => OpenMpTeam.Run(4, c =>
        {
            if (c == 3)
            {
                throw new InvalidOperationException("chunk 3");
            }
        }));
        Assert.Equal("chunk 3", Assert.IsType<InvalidOperationException>(thrown.InnerException).Message);
    }

    [Fact]
    public void ChunkedCoversEveryIndexOnceAndAddsTheChunksResults()
    {
        int length = 65536 * 3 + Random.Shared.Next(1, 1000);
        var visits = new int[length];
        double total = KernelLoops.Chunked(length, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                visits[i]++;
            }

            return end - start;
        });
        Assert.Equal(length, total);
        Assert.True(visits.All(v => v == 1));
    }
}
