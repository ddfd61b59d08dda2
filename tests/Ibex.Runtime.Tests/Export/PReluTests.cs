using System;
using System.IO;
using System.Linq;
using Ibex.Dsl;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Compression;
using Ibex.Runtime.Data;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Export;

/// <summary>One image network and one flat network with PReLU layers: slopes per channel and per unit.</summary>
[InfoRegularized(0.1, AlphaSharing = AlphaSharing.PerUnit)]
[Input(1, 12, 12)]
public sealed partial class PReluNetwork
{
    [Stochastic, Conv2d(6, 3, Stride = 2)] public partial Layer Convolve { get; }
    [PReLU] public partial Layer ConvolveSlopes { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(20)] public partial Layer Hidden { get; }
    [PReLU(InitialSlope = 0.1)] public partial Layer HiddenSlopes { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

[InfoRegularized(0.01, AlphaSharing = AlphaSharing.PerUnit)]
[Input(16)]
public sealed partial class FlatPReluNetwork
{
    [Stochastic, Dense(48)] public partial Layer Hidden { get; }
    [PReLU] public partial Layer Slopes { get; }
    [Stochastic, Dense(4)] public partial Layer Scores { get; }
}

/// <summary>
/// [PReLU] end to end: its forward pass is max(0, x) + a·min(0, x) per channel or unit, its slopes learn and are saved,
/// and pruning (units removed through it) and ONNX export give what the network computes, in ONNX Runtime.
/// </summary>
public sealed class PReluTests
{
    public PReluTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void TheMeanNetworkIsMaxOfZeroAndXPlusTheChannelsSlopeTimesMinOfZeroAndX()
    {
        using var scope = NewDisposeScope();
        using var network = new PReluNetwork();
        OnnxExportTests.Perturb(network);
        var convolveSlopes = ((ParametricLayer)network.ConvolveSlopes)["weight"];
        var hiddenSlopes = ((ParametricLayer)network.HiddenSlopes)["weight"];
        using (no_grad())
        {
            convolveSlopes.uniform_(-0.5, 1.0);
            hiddenSlopes.uniform_(-0.5, 1.0);
        }

        network.eval();
        var inputs = randn(32, 1, 12, 12);
        var actual = network.call(inputs).Logits;

        using (no_grad())
        {
            var convolve = (StochasticConv2dLayer)network.Convolve;
            var x = nn.functional.conv2d(inputs, convolve.Weight, convolve.Bias, strides: new long[] { 2, 2 });
            x = x.clamp_min(0) + convolveSlopes.view(1, 6, 1, 1) * x.clamp_max(0);
            var hidden = (StochasticDenseLayer)network.Hidden;
            x = nn.functional.linear(x.flatten(1), hidden.Weight, hidden.Bias);
            x = x.clamp_min(0) + hiddenSlopes.view(1, 20) * x.clamp_max(0);
            var scores = (StochasticDenseLayer)network.Scores;
            var expected = nn.functional.linear(x, scores.Weight, scores.Bias);
            OnnxExportTests.AssertClose(expected, actual, "the formula");
        }
    }

    [Fact]
    public void PruningRemovesUnitsThroughTheSlopesAndOnnxRuntimeAgrees()
    {
        using var scope = NewDisposeScope();
        using var network = new PReluNetwork();
        OnnxExportTests.Perturb(network);
        using (no_grad())
        {
            // Negative slopes and negative biases on the removed units, so that their constant outputs go through a·c.
            ((ParametricLayer)network.ConvolveSlopes)["weight"].uniform_(-0.5, 1.0);
            ((ParametricLayer)network.HiddenSlopes)["weight"].uniform_(-0.5, 1.0);
            var convolve = (StochasticConv2dLayer)network.Convolve;
            convolve.LogAlpha.uniform_(-6, 0);
            var hidden = (StochasticDenseLayer)network.Hidden;
            hidden.LogAlpha.uniform_(-6, 0);
            foreach (int c in new[] { 2, 5 })
            {
                convolve.LogAlpha[c].fill_(Math.Log(4));
                convolve.Bias![c].fill_(-0.7);
            }

            foreach (int u in new[] { 1, 6, 13 })
            {
                hidden.LogAlpha[u].fill_(1.3);
                hidden.Bias![u].fill_(-1.1);
            }
        }

        network.eval();
        var pruned = NetworkPruner.Prune(network);
        NetworkPruner.ApplyMask(network, new PruningOptions());
        var inputs = randn(64, 1, 12, 12);
        var expected = network.call(inputs).Logits;

        foreach (var initializers in new[] { OnnxInitializers.Dense, OnnxInitializers.Sparse })
        {
            var model = Ibex.Runtime.Export.OnnxExport.ToModel(pruned.Graph, new Ibex.Runtime.Export.OnnxExportOptions { Initializers = initializers });
            OnnxExportTests.AssertClose(expected, OnnxExportTests.Run(model, inputs, network.Description), $"pruned, {initializers}");
            OnnxChecker.Check(model, "prelu-pruned-" + initializers);
        }

        Assert.Equal(new[] { "Convolve: 2 of 6 channels", "Hidden: 3 of 20 units" }, pruned.Report.RemovedUnits);
    }

    [Fact]
    public void ARunTrainsTheSlopesSavesThemAndExportsThePrunedNetworkThatOnnxRuntimeRuns()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        string folder = Path.Combine(Path.GetTempPath(), "ibex-prelu-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var all = SyntheticClusters.Create(1200, 16, 4, seed, separation: 2.0);
            var (train, test) = all.Split(1.0 / 6, seed);
            using var _ = train;
            using var __ = test;
            torch.manual_seed(seed);
            using var network = new FlatPReluNetwork();
            var options = new TrainingRunOptions
            {
                Training = new TrainingSettings { Epochs = 4, BatchSize = 50, Seed = seed },
                OutputDirectory = folder,
                MonteCarloSamples = 0,
                ExportOnnx = true,
                Prune = new RunPruning(),
            };

            using var run = new TrainingRun<FlatPReluNetwork>(network, options);
            var report = run.Run(train, test).Report!;

            var slopes = ((ParametricLayer)network.Slopes)["weight"].detach().clone();
            Assert.True(report.Final.TestMeanNetwork > 0.8, $"test accuracy {report.Final.TestMeanNetwork}");
            Assert.True(slopes.sub(0.25).abs().max().item<float>() > 1e-3, "the slopes did not move from 0.25");

            using var loaded = new FlatPReluNetwork();
            NetworkFile.Load(loaded, report.NetworkFile!);
            Assert.True(slopes.allclose(((ParametricLayer)loaded.Slopes)["weight"].detach(), rtol: 0, atol: 0), "the saved slopes are not the trained ones");

            // The pruned ONNX file in ONNX Runtime against the trained network with the same weights pruned.
            NetworkPruner.ApplyMask(loaded, new PruningOptions());
            loaded.eval();
            var inputs = test.Features.narrow(0, 0, 64);
            var expected = loaded.call(inputs).Logits;
            var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(report.Pruning!.OnnxFile!));
            OnnxExportTests.AssertClose(expected, OnnxExportTests.Run(model, inputs, loaded.Description), "the pruned file");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
