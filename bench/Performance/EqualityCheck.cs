using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ibex.Bench.Performance.HandWritten;
using Ibex.Runtime;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Bench.Performance;

/// <summary>
/// Before timing: the three implementations compute the same function. With the same weights (Ibex's, copied into the
/// hand-written modules and exported to PyTorch), the same batch and the same seed for the noise (libtorch 2.10 and
/// PyTorch 1.13 draw identical CPU normal streams), the training-mode loss must agree to float tolerance.
/// </summary>
public static class EqualityCheck
{
    public sealed record Result(string Model, double IbexLoss, double HandWrittenLoss, double PyTorchLoss)
    {
        public bool Agrees => Close(IbexLoss, HandWrittenLoss) && Close(IbexLoss, PyTorchLoss);

        private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(a));
    }

    public static IReadOnlyList<Result> Run(PyTorchRunner python)
        => new[] { "mlp", "cnn", "vgg", "resnet" }.Select(model => Check(model, python)).ToArray();

    private static Result Check(string model, PyTorchRunner python)
    {
        const int batch = 64;
        const int seed = 7;
        torch.manual_seed(0);
        using InformationNetwork ibex = Workload.IbexNetwork(model);
        var (handWritten, kl) = Workload.HandWrittenNetwork(model);
        using var handWrittenModule = handWritten;

        // Copy every Ibex tensor into the hand-written module under the same key: each must exist there, and only
        // nn.BatchNorm2d's step counter (which Ibex's BatchNorm does not keep) may be left unset.
        var state = ibex.state_dict();
        var (missing, unexpected) = handWritten.load_state_dict(state, strict: false);
        var unset = missing.Where(k => !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (unexpected.Count > 0 || unset.Count > 0)
        {
            throw new InvalidOperationException($"The hand-written {model} does not match Ibex's tensors: lacks [{string.Join(", ", unexpected)}], not set [{string.Join(", ", unset)}].");
        }

        var (x, y) = Workload.Batch(batch, seed);
        double Loss(Func<(Tensor Logits, Tensor Kl)> forward)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            torch.manual_seed(seed + 1);
            var (logits, information) = forward();
            return (nn.functional.cross_entropy(logits, y) + information * Workload.BetaOverN).item<float>();
        }

        ibex.train();
        handWritten.train();
        // Ibex's kernels draw ξ with their own generator; for the check they draw it through libtorch, the stream the
        // hand-written modules and PyTorch draw with the same seed.
        double ibexLoss;
        using (NormalNoise.UseLibTorchGenerator())
        {
            ibexLoss = Loss(() => ibex.call(x));
        }

        double handLoss = Loss(() => { var logits = handWritten.call(x); return (logits, kl()); });

        string weights = Path.Combine(Path.GetTempPath(), $"ibex-bench-{model}-{Environment.ProcessId}.pt");
        try
        {
            NetworkFile.ExportPyTorch(ibex, weights);
            double pythonLoss = python.Check(model, batch, weights, seed);
            return new Result(model, ibexLoss, handLoss, pythonLoss);
        }
        finally
        {
            File.Delete(weights);
        }
    }
}
