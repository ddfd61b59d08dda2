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
