using System;
using System.Diagnostics;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Bench.Performance;

/// <summary><c>profile WORKLOAD</c>: median milliseconds of each phase of the Ibex training step (forward, backward, optimizer, clamp).</summary>
public static class Profile
{
    public static int Run(string workload)
    {
        var kind = WorkloadKind.Parse(workload);
        torch.manual_seed(0);
        InformationNetwork network = Workload.IbexNetwork(kind.Model);
        var (warmup, measured) = kind.Model == "mlp" ? (600, 100) : (20, 40);
        using var optimizer = TrainingOptimizers.Create(network, new TrainingSettings());
        var (x, y) = Workload.Batch(kind.Batch, 1);
        network.train();
        var phases = new[] { "forward", "backward", "optimizer", "clamp" };
        var times = phases.ToDictionary(p => p, _ => new System.Collections.Generic.List<double>());
        var clock = new Stopwatch();
        for (int step = 0; step < warmup + measured; step++)
        {
            using var scope = torch.NewDisposeScope();
            clock.Restart();
            network.zero_grad();
            var (logits, information) = network.call(x);
            var loss = nn.functional.cross_entropy(logits, y) + information * Workload.BetaOverN;
            double forward = clock.Elapsed.TotalMilliseconds;
            network.Backward(loss);
            double backward = clock.Elapsed.TotalMilliseconds;
            optimizer.step();
            double step_ = clock.Elapsed.TotalMilliseconds;
            network.ClampLogAlpha();
            double clamp = clock.Elapsed.TotalMilliseconds;
            if (step >= warmup)
            {
                times["forward"].Add(forward);
                times["backward"].Add(backward - forward);
                times["optimizer"].Add(step_ - backward);
                times["clamp"].Add(clamp - step_);
            }
        }

        foreach (var phase in phases)
        {
            var sorted = times[phase].OrderBy(t => t).ToList();
            Console.WriteLine($"{phase,-10} {sorted[sorted.Count / 2],8:F2} ms");
        }

        return 0;
    }
}

/// <summary>
/// <c>conv-floor WORKLOAD</c>: the convolutions and products of one training step of a convolutional workload, alone, as
/// plain libtorch calls: for each stochastic layer the two forward products (mean and variance), their two input gradients
/// (none for the stem, whose input needs none) and their two weight gradients, plus the projection shortcut's and
/// Information Dropout's α layer's (one forward product each), the Dense layers as matrix products (<c>linear</c>). No
/// implementation that runs its convolutions through libtorch can take less; it prints that floor beside the FLOPs.
/// </summary>
public static class ConvolutionFloor
{
    private sealed record Product(long InChannels, long OutChannels, long Size, long Kernel, long Stride, long Padding, bool First, bool Stochastic)
    {
        /// <summary>A Dense layer, written as a 1×1 convolution over a 1×1 image and run as the matrix product it is.</summary>
        public bool Dense => Size == 1 && Kernel == 1;
    }

    public static int Run(string workload)
    {
        var kind = WorkloadKind.Parse(workload);
        var products = Layers(kind.Model);
        long batch = kind.Batch;
        // Inputs and weights drawn once, outside the clock: drawing them is no part of a step's products.
        var inputs = products.Select(p => p.Dense ? torch.randn(batch, p.InChannels) : torch.randn(batch, p.InChannels, p.Size, p.Size)).ToArray();
        var weights = products.Select(p => p.Dense ? torch.randn(p.OutChannels, p.InChannels) : torch.randn(p.OutChannels, p.InChannels, p.Kernel, p.Kernel)).ToArray();
        var timed = new System.Collections.Generic.List<double>();
        for (int step = 0; step < 15; step++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < products.Length; i++)
            {
                var p = products[i];
                using var scope = torch.NewDisposeScope();
                var x = inputs[i].detach().requires_grad_(!p.First);
                var w = weights[i].detach().requires_grad_(true);
                var differentiated = p.First ? new[] { w } : new[] { x, w };
                int passes = p.Stochastic ? 2 : 1;
                for (int pass = 0; pass < passes; pass++)
                {
                    var y = p.Dense ? nn.functional.linear(x, w) : nn.functional.conv2d(x, w, strides: new[] { p.Stride, p.Stride }, padding: new[] { p.Padding, p.Padding });
                    var g = torch.ones_like(y);
                    torch.autograd.grad(new[] { y }, differentiated, new[] { g });
                }
            }

            if (step >= 5)
            {
                timed.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        double flops = products.Sum(p =>
        {
            long outSize = (p.Size + 2 * p.Padding - p.Kernel) / p.Stride + 1;
            double forward = 2.0 * batch * outSize * outSize * p.OutChannels * p.InChannels * p.Kernel * p.Kernel;
            return (p.Stochastic ? 2 : 1) * forward * (p.First ? 2 : 3);
        });
        double median = timed.OrderBy(t => t).ElementAt(timed.Count / 2);
        Console.WriteLine($"{workload}: the step's convolutions and products alone {median:F1} ms, {flops / 1e9:F2} GFLOP, {flops / median / 1e6:F1} GFLOP/s");
        return 0;
    }

    private static Product[] Layers(string model) => model switch
    {
        "cnn" => new Product[]
        {
            new(1, 32, 28, 3, 1, 1, true, true), new(1, 32, 28, 3, 1, 1, true, false), new(32, 64, 14, 3, 1, 1, false, true),
            new(3136, 256, 1, 1, 1, 0, false, true), new(256, 10, 1, 1, 1, 0, false, true),
        },
        "vgg" => new Product[]
        {
            new(1, 32, 28, 3, 1, 1, true, true), new(32, 32, 28, 3, 1, 1, false, true),
            new(32, 64, 14, 3, 1, 1, false, true), new(64, 64, 14, 3, 1, 1, false, true),
            new(3136, 256, 1, 1, 1, 0, false, true), new(256, 10, 1, 1, 1, 0, false, true),
        },
        _ => new Product[]
        {
            new(1, 32, 28, 3, 1, 1, true, true), new(32, 32, 28, 3, 1, 1, false, true), new(32, 32, 28, 3, 1, 1, false, true),
            new(32, 64, 28, 3, 2, 1, false, true), new(64, 64, 14, 3, 1, 1, false, true), new(32, 64, 28, 1, 2, 0, false, false),
            new(64, 64, 14, 3, 1, 1, false, true), new(64, 64, 14, 3, 1, 1, false, true), new(64, 10, 1, 1, 1, 0, false, true),
        },
    };
}
