using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Ibex.Runtime.Compression;
using Ibex.Runtime.Data;
using Ibex.Runtime.Export;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Tensor = TorchSharp.torch.Tensor;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Export;

/// <summary>
/// Exported models against their consumers: ONNX Runtime must give the Ibex mean network's scores (within 1e-5 of the
/// largest score), and ONNX's own checker (python3-onnx, installed by scripts/setup.sh) must accept every model.
/// </summary>
public sealed class OnnxExportTests
{
    public OnnxExportTests() => TorchNative.EnsureLoaded();

    public static TheoryData<string, OnnxInitializers> Networks()
    {
        var data = new TheoryData<string, OnnxInitializers>();
        foreach (var name in new[] { nameof(SmallFashionMlp), nameof(SmallFashionCnn), nameof(ModernBlocksNetwork), nameof(PlainBlocksNetwork), nameof(SoftplusDropoutNetwork), nameof(GaussianConvolutionProbe), nameof(GroupedDilatedProbe), nameof(AwkwardNamesNetwork), nameof(Export.PReluNetwork), nameof(HeteroscedasticRegressor) })
        {
            data.Add(name, OnnxInitializers.Dense);
            data.Add(name, OnnxInitializers.Sparse);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void OnnxRuntimeGivesTheMeanNetworksScores(string name, OnnxInitializers initializers)
    {
        using var scope = NewDisposeScope();
        using var network = Create(name);
        Perturb(network);
        network.eval();
        var inputs = Inputs(network.Description, 64);
        var expected = network.call(inputs).Logits;

        var model = OnnxExport.ToModel(network.ToMeanGraph(), new OnnxExportOptions { Initializers = initializers, TrainingSetSize = 60_000 });
        var actual = Run(model, inputs, network.Description);

        AssertClose(expected, actual, name);
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(network.Description.DeclarationHash, metadata["ibex.declaration_hash"]);
        Assert.Equal("60000", metadata["ibex.training_set_size"]);
        Assert.Equal(17, model.OpsetImport.Single().Version);
        OnnxChecker.Check(model, name + "-" + initializers);
    }

    [Fact]
    public void TheRoundTripNetworksCoverEveryOperationAndActivationKind()
    {
        var seen = new HashSet<Type>();
        foreach (var row in Networks())
        {
            using var network = Create((string)row[0]);
            foreach (var operation in network.ToMeanGraph().Operations)
            {
                seen.Add(operation.GetType());
                if (operation is ActivationOperation activation)
                {
                    seen.Add(activation.Function.GetType());
                }
            }
        }

        var kinds = typeof(GraphOperation).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(GraphOperation).IsAssignableFrom(t) || typeof(ActivationFunction).IsAssignableFrom(t)));
        Assert.Empty(kinds.Where(kind => !seen.Contains(kind)).Select(kind => kind.Name));
    }

    [Fact]
    public void PruningRemovesUnitsWithoutChangingWhatTheMaskedNetworkComputes()
    {
        using var scope = NewDisposeScope();
        using var network = new PrunableNetwork();
        Perturb(network);
        double threshold = PruningThresholds.LogNormal;
        using (no_grad())
        {
            // Channels 1 and 4 and hidden units 0, 3, 7, 8, 15 at the cap (pruned), the rest well below the threshold; the
            // per-weight Scores layer gets random ρ on both sides of it.
            var convolve = ((StochasticConv2dLayer)network.Convolve).LogAlpha;
            convolve.uniform_(-6, 0);
            foreach (int c in new[] { 1, 4 })
            {
                convolve[c].fill_(Math.Log(4));
            }

            var hidden = ((StochasticDenseLayer)network.Hidden).LogAlpha;
            hidden.uniform_(-6, 0);
            foreach (int u in new[] { 0, 3, 7, 8, 15 })
            {
                hidden[u].fill_(1.3);
            }

            ((StochasticDenseLayer)network.Scores).LogAlpha.uniform_(-3, Math.Log(4));
        }

        network.eval();
        var pruned = NetworkPruner.Prune(network);
        var report = pruned.Report;
        double informationBefore = network.Information().item<float>();
        var inputs = Inputs(network.Description, 64);
        var scoresLogAlpha = ((StochasticDenseLayer)network.Scores).LogAlpha.detach().clamp(-10, Math.Log(4));
        long scoresKept = scoresLogAlpha.lt(threshold).sum().item<long>();

        NetworkPruner.ApplyMask(network, new PruningOptions());
        var expected = network.call(inputs).Logits;
        var actual = Run(OnnxExport.ToModel(pruned.Graph, new OnnxExportOptions()), inputs, network.Description);

        AssertClose(expected, actual, "pruned");
        Assert.Equal(new[] { 4, 15, 10 }, report.Layers.Select(l => l.KeptUnits));
        Assert.Equal(new[] { 4 * 9L, 15 * 150L, scoresKept }, report.Layers.Select(l => l.KeptWeights));
        Assert.Equal(6 * 9 + 20 * 150 + 200, report.Weights);
        Assert.Equal(informationBefore, report.Nats, informationBefore * 1e-4);
        Assert.True(report.KeptNats < report.Nats && report.KeptNats > 0);
        Assert.Equal(new[] { "Convolve: 2 of 6 channels", "Hidden: 5 of 20 units" }, report.RemovedUnits);
        // Genuinely smaller: the Hidden layer takes 4 channels × 5 × 5 features and gives 15 units, Scores takes 15.
        Assert.Equal(4 * 9 + 15 * 100 + 10 * 15, pruned.Graph.WeightCount);
        Assert.True(report.KeptMultiplyAdds < report.MultiplyAdds);
        var sparse = OnnxExport.ToModel(pruned.Graph, new OnnxExportOptions { Initializers = OnnxInitializers.Sparse });
        AssertClose(expected, Run(sparse, inputs, network.Description), "pruned, sparse initializers");
        OnnxChecker.Check(sparse, "pruned-sparse");
    }

    [Theory]
    [InlineData(nameof(SmallFashionMlp))]
    [InlineData(nameof(GaussianConvolutionProbe))]
    [InlineData(nameof(HeteroscedasticRegressor))]
    public void TheStochasticExportSamplesTheDistributionIbexTrainsWith(string name)
    {
        // Both draw each stochastic layer's pre-activation per example by the local reparameterization, so one example's
        // scores have the same distribution in ONNX Runtime and in Ibex's training-mode forward: compare their moments.
        const int draws = 20_000;
        using var scope = NewDisposeScope();
        using var network = Create(name);
        using (no_grad())
        {
            foreach (var noisy in network.StochasticLayers())
            {
                noisy.LogAlpha.uniform_(-4, -0.5);
            }

            if (network is GaussianConvolutionProbe probe)
            {
                ((DenseLayer)probe.Readout).Weight.copy_(eye(27));
            }
        }

        var example = Inputs(network.Description, 1);
        var batch = example.expand(new long[] { draws }.Concat(example.shape.Skip(1)).ToArray()).contiguous();
        network.train();
        Tensor ibex;
        using (no_grad())
        {
            ibex = network.call(batch).Logits;
        }

        var model = OnnxExport.ToModel(network.ToMeanGraph(), new OnnxExportOptions { Stochastic = true });
        var onnx = Run(model, batch, network.Description);
        Assert.Equal("stochastic", model.MetadataProps.Single(p => p.Key == "ibex.network_kind").Value);

        var a = Statistics.Moments(ibex);
        var b = Statistics.Moments(onnx);
        for (int k = 0; k < network.Description.Classes; k++)
        {
            Statistics.AssertWithin(a.Mean[k], b.Mean[k], Math.Sqrt((a.MeanError[k] * a.MeanError[k]) + (b.MeanError[k] * b.MeanError[k])), 5, $"{name}: mean of score {k}");
            Statistics.AssertWithin(a.Variance[k], b.Variance[k], Math.Sqrt((a.VarianceError[k] * a.VarianceError[k]) + (b.VarianceError[k] * b.VarianceError[k])), 5, $"{name}: variance of score {k}");
            Assert.True(b.Variance[k] > 0, "the stochastic export must be noisy");
        }

        OnnxChecker.Check(model, name + "-stochastic");
    }

    [Fact]
    public void AGraphWithRemovedUnitsIsNotExportedAsStochastic()
    {
        using var scope = NewDisposeScope();
        using var network = new PrunableNetwork();
        using (no_grad())
        {
            ((StochasticDenseLayer)network.Hidden).LogAlpha[0].fill_(Math.Log(4));
        }

        var pruned = NetworkPruner.Prune(network);
        Assert.True(pruned.Graph.UnitsRemoved);
        var error = Assert.Throws<InvalidOperationException>(() => OnnxExport.ToModel(pruned.Graph, new OnnxExportOptions { Stochastic = true }));
        Assert.Contains("RemoveUnits = false", error.Message);
        OnnxExport.ToModel(NetworkPruner.Prune(network, new PruningOptions { RemoveUnits = false }).Graph, new OnnxExportOptions { Stochastic = true });
    }

    [Fact]
    public void FineTuningWithTheMasksKeepsThePrunedWeightsAtZeroAndTrainsTheOthers()
    {
        using var scope = NewDisposeScope();
        using var network = new SmallClassifier();
        using (no_grad())
        {
            foreach (var noisy in network.StochasticLayers())
            {
                noisy.LogAlpha.uniform_(-6, Math.Log(4));
            }
        }

        var masks = NetworkPruner.ApplyMask(network, new PruningOptions());
        var hidden = ((StochasticDenseLayer)network.Hidden).Weight;
        var before = hidden.detach().clone();
        long pruned = masks["Hidden"].eq(0).sum().item<long>();
        Assert.InRange(pruned, 1, hidden.numel() - 1);

        var features = randn(400, 16);
        var labels = features.narrow(1, 0, 4).argmax(1);
        using var data = new LabeledData(features, labels);
        new Ibex.Runtime.Training.InformationTrainer(network, new Ibex.Runtime.Training.TrainingSettings { Epochs = 2, BatchSize = 50, WeightMasks = masks }).Fit(data);

        var prunedPositions = masks["Hidden"].eq(0);
        Assert.Equal(0, hidden.detach().masked_select(prunedPositions).abs().sum().item<float>());
        Assert.True(hidden.detach().masked_select(prunedPositions.logical_not()).sub(before.masked_select(prunedPositions.logical_not())).abs().max().item<float>() > 0,
            "the kept weights must train");
        Assert.Throws<ArgumentException>(() => new Ibex.Runtime.Training.InformationTrainer(network,
            new Ibex.Runtime.Training.TrainingSettings { WeightMasks = new Dictionary<string, Tensor> { ["Nowhere"] = masks["Hidden"] } }));
    }

    [Fact]
    public void TheLogNormalThresholdHasSparseVariationalDropoutsNoiseToSignalRatio()
    {
        // Gaussian noise at log α = 3 has variance α·ŵ² = e³·ŵ²; log-normal noise has (e^α − 1)·ŵ².
        Assert.Equal(Math.Exp(PruningThresholds.Gaussian), Math.Exp(Math.Exp(PruningThresholds.LogNormal)) - 1, 9);
        Assert.True(PruningThresholds.LogNormal < Math.Log(Ibex.Dsl.InfoRegularizedAttribute.DefaultAlphaMax));
    }

    internal static InformationNetwork Create(string name) => name switch
    {
        nameof(SmallFashionMlp) => new SmallFashionMlp(),
        nameof(SmallFashionCnn) => new SmallFashionCnn(),
        nameof(ModernBlocksNetwork) => new ModernBlocksNetwork(),
        nameof(PlainBlocksNetwork) => new PlainBlocksNetwork(),
        nameof(SoftplusDropoutNetwork) => new SoftplusDropoutNetwork(),
        nameof(GaussianConvolutionProbe) => new GaussianConvolutionProbe(),
        nameof(GroupedDilatedProbe) => new GroupedDilatedProbe(),
        nameof(AwkwardNamesNetwork) => new AwkwardNamesNetwork(),
        nameof(Export.PReluNetwork) => new Export.PReluNetwork(),
        nameof(HeteroscedasticRegressor) => new HeteroscedasticRegressor(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Moves every parameter and normalization statistic away from its initial value, so that nothing passes by being 0 or 1.</summary>
    internal static void Perturb(InformationNetwork network)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            parameter.add_(randn_like(parameter).mul(name.EndsWith("log_alpha", StringComparison.Ordinal) ? 0 : 0.05));
        }

        foreach (var (name, buffer) in network.named_buffers())
        {
            if (name.EndsWith("running_var", StringComparison.Ordinal))
            {
                buffer.uniform_(0.5, 2);
            }
            else if (name.EndsWith("running_mean", StringComparison.Ordinal))
            {
                buffer.normal_(0, 0.3);
            }
        }
    }

    /// <summary>Fashion-MNIST test images for networks that take them, random examples for the others: [count, …input shape].</summary>
    internal static Tensor Inputs(NetworkDescription description, int count)
    {
        var shape = new long[] { count }.Concat(description.InputShape.Select(d => (long)d)).ToArray();
        if (description.InputFeatures == 784)
        {
            using var test = FashionMnist.LoadTest();
            var start = Random.Shared.Next(0, (int)test.Count - count);
            return test.Features.narrow(0, start, count).reshape(shape).clone();
        }

        return randn(shape);
    }

    internal static Tensor Run(Onnx.ModelProto model, Tensor inputs, NetworkDescription description)
    {
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        var values = inputs.contiguous().data<float>().ToArray();
        var batch = new DenseTensor(values, inputs.shape.Select(d => (int)d).ToArray());
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", batch) });
        var scores = results.Single(r => r.Name == "scores").AsTensor<float>();
        Assert.Equal(new[] { (int)inputs.shape[0], description.Classes }, scores.Dimensions.ToArray());
        return tensor(scores.ToArray()).reshape(inputs.shape[0], description.Classes);
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double largest = expected.abs().max().item<float>();
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= 1e-5 * largest, $"{what}: ONNX Runtime differs from Ibex by {difference:G3}, more than 1e-5 of the largest score {largest:G3}");
    }
}

/// <summary>Runs ONNX's checker (<c>onnx.checker.check_model</c>, full check with shape inference) from Debian's python3-onnx.</summary>
internal static class OnnxChecker
{
    public static void Check(Onnx.ModelProto model, string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "ibex-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, name + ".onnx");
            File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(model));
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')");
            start.ArgumentList.Add(path);
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0 && output.Trim() == "ok",
                $"onnx.checker rejected {name} (exit {process.ExitCode}): {error}{output} — is python3-onnx installed (bash scripts/setup.sh)?");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
