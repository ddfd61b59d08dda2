using System;
using System.Diagnostics;
using System.Linq;
using Ibex.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Bench.Performance;

/// <summary><c>micro</c>: median milliseconds of the pieces of a 1024 × 1024 stochastic layer's step, for profiling.</summary>
public static class Micro
{
    public static int Run()
    {
        var weight = torch.randn(1024, 1024).requires_grad_(true);
        var rho = torch.full(1024, 1024, -6.0f).requires_grad_(true);
        var x = torch.rand(128, 1024);
        Console.WriteLine($"kernel forward            {Median(() => LogNormalWeightNoise.Apply(weight, rho, -10, Math.Log(4))):F2} ms");
        Console.WriteLine($"kernel forward+backward   {Median(() => { var (v, i) = LogNormalWeightNoise.Apply(weight, rho, -10, Math.Log(4)); (v.sum() + i).backward(); weight.grad = null; rho.grad = null; }):F2} ms");
        var plainWeight = weight.detach();
        var plainRho = rho.detach();
        var upstream = torch.randn(1024, 1024);
        var one = torch.ones(Array.Empty<long>());
        Console.WriteLine($"kernel fwd+bwd, given G   {Median(() => { var (v, i) = LogNormalWeightNoise.Apply(weight, rho, -10, Math.Log(4)); torch.autograd.backward(new[] { v, i }, new[] { upstream, one }); weight.grad = null; rho.grad = null; }):F2} ms");
        Console.WriteLine($"kernel forward, no grad   {Median(() => LogNormalWeightNoise.Apply(plainWeight, plainRho, -10, Math.Log(4))):F2} ms");
        var strided = weight.detach().t().contiguous().t().requires_grad_(true);
        var stridedRho = rho.detach().t().contiguous().t().requires_grad_(true);
        Console.WriteLine($"libtorch ops forward      {Median(() => LogNormalWeightNoise.Apply(strided, stridedRho, -10, Math.Log(4))):F2} ms");
        Console.WriteLine($"libtorch ops fwd+bwd      {Median(() => { var (v, i) = LogNormalWeightNoise.Apply(strided, stridedRho, -10, Math.Log(4)); (v.sum() + i).backward(); strided.grad = null; stridedRho.grad = null; }):F2} ms");
        Console.WriteLine($"linear 128x1024x1024      {Median(() => nn.functional.linear(x, weight.detach())):F2} ms");
        Console.WriteLine($"linear fwd+bwd            {Median(() => { nn.functional.linear(x, weight).sum().backward(); weight.grad = null; }):F2} ms");
        Console.WriteLine($"elementwise add 1M        {Median(() => weight.detach().add(rho.detach())):F2} ms");
        Console.WriteLine($"empty 1M                  {Median(() => torch.empty(1024, 1024)):F2} ms");
        Console.WriteLine($"empty 1M + fill           {Median(() => torch.empty(1024, 1024).fill_(1)):F2} ms");
        foreach (var (batch, (rowMajor, featureMajor, ceiling)) in MatmulFloor())
        {
            Console.WriteLine($"the step's matmuls alone, batch {batch}: row-major {rowMajor:F2} ms, feature-major {featureMajor:F2} ms (ceiling beside them {ceiling:F2} ms)");
        }

        return 0;
    }

    /// <summary>
    /// Median milliseconds of exactly the matrix products of one MLP training step, at batch 128 and 512, in two layouts:
    /// row-major as <c>nn.Linear</c> computes them (y = x·Wᵀ), and feature-major as <c>LogNormalLinear</c> does (yᵀ = W·xᵀ,
    /// one row per unit; the first layer reads the row-major data batch through a transposed view). The two alternate, three
    /// rounds each, and each gets the median of its rounds; the ceiling's product is timed 3 times before each round and
    /// after the last, and its median is returned beside them.
    /// </summary>
    public static System.Collections.Generic.Dictionary<int, (double RowMajor, double FeatureMajor, double CeilingMs)> MatmulFloor()
    {
        var result = new System.Collections.Generic.Dictionary<int, (double, double, double)>();
        using var ceiling = new CeilingProduct();
        foreach (int batch in new[] { 128, 512 })
        {
            // Per layer: two forward products (mean, variance), two weight gradients, and two input gradients except for
            // the first layer.
            var sizes = new[] { (784, 1024), (1024, 1024), (1024, 10) };
            var inputs = sizes.Select(s => torch.randn(batch, s.Item1)).ToArray();
            var inputsT = inputs.Select(x => x.t().contiguous()).ToArray();
            var weights = sizes.Select(s => torch.randn(s.Item2, s.Item1)).ToArray();
            var grads = sizes.Select(s => torch.randn(batch, s.Item2)).ToArray();
            var gradsT = grads.Select(g => g.t().contiguous()).ToArray();
            var rowMajor = new System.Collections.Generic.List<double>();
            var featureMajor = new System.Collections.Generic.List<double>();
            var ceilingTimes = ceiling.Time(repetitions: 3);
            for (int round = 0; round < 3; round++)
            {
                rowMajor.Add(Median(() =>
                {
                    for (int layer = 0; layer < 3; layer++)
                    {
                        for (int path = 0; path < 2; path++)
                        {
                            nn.functional.linear(inputs[layer], weights[layer]);
                            grads[layer].t().mm(inputs[layer]);
                            if (layer > 0)
                            {
                                grads[layer].mm(weights[layer]);
                            }
                        }
                    }
                }));
                featureMajor.Add(Median(() =>
                {
                    for (int layer = 0; layer < 3; layer++)
                    {
                        var inputT = layer == 0 ? inputs[0].t() : inputsT[layer];
                        for (int path = 0; path < 2; path++)
                        {
                            weights[layer].mm(inputT);
                            gradsT[layer].mm(inputT.t());
                            if (layer > 0)
                            {
                                weights[layer].t().mm(gradsT[layer]);
                            }
                        }
                    }
                }));
                ceilingTimes.AddRange(ceiling.Time(repetitions: 3));
            }

            rowMajor.Sort();
            featureMajor.Sort();
            result[batch] = (rowMajor[1], featureMajor[1], Statistics.Median(ceilingTimes));
        }

        return result;
    }

    /// <summary>Median milliseconds of the ceiling's product (<see cref="MatmulCeilingBenchmark"/>'s), measured here and now.</summary>
    public static double CeilingMs()
    {
        var a = torch.randn(MatmulCeilingBenchmark.Size, MatmulCeilingBenchmark.Size);
        var b = torch.randn(MatmulCeilingBenchmark.Size, MatmulCeilingBenchmark.Size);
        return Median(() => torch.matmul(a, b));
    }

    /// <summary>The median milliseconds of 30 runs of <paramref name="action"/> after 10 warm-up runs, each in a dispose scope.</summary>
    private static double Median(Action action)
    {
        var times = new System.Collections.Generic.List<double>();
        for (int i = 0; i < 40; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = torch.NewDisposeScope())
            {
                action();
            }

            if (i >= 10)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
