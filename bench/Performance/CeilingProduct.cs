using System;
using System.Collections.Generic;
using System.Diagnostics;
using TorchSharp;

namespace Ibex.Bench.Performance;

/// <summary>
/// The ceiling's product (<see cref="MatmulCeilingBenchmark"/>'s shape, float32, libtorch) into memory allocated once, so
/// that timing it between measured steps leaves their process's heap as it was.
/// </summary>
public sealed class CeilingProduct : IDisposable
{
    private readonly torch.Tensor left = torch.randn(MatmulCeilingBenchmark.Size, MatmulCeilingBenchmark.Size);
    private readonly torch.Tensor right = torch.randn(MatmulCeilingBenchmark.Size, MatmulCeilingBenchmark.Size);
    private readonly torch.Tensor product = torch.empty(MatmulCeilingBenchmark.Size, MatmulCeilingBenchmark.Size);

    /// <summary>The milliseconds of <paramref name="repetitions"/> products after one untimed one.</summary>
    public List<double> Time(int repetitions)
    {
        var times = new List<double>();
        Run();
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            Run();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    // β = 0: the product overwrites the buffer, as torch.matmul writes a fresh one.
    private void Run() => product.addmm_(left, right, beta: 0, alpha: 1);

    public void Dispose()
    {
        left.Dispose();
        right.Dispose();
        product.Dispose();
    }
}
