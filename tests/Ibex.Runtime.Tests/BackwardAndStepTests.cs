using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Kernels;
using Ibex.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Ibex.Runtime.Tests;

/// <summary>
/// <see cref="InformationNetwork.BackwardAndStep"/>, which with <see cref="FusedAdam"/> updates the fused layers' ŵ and ρ
/// in the pass that finishes their gradients, against <c>loss.backward()</c>, <c>optimizer.step()</c> and
/// <c>ClampLogAlpha()</c> from the same weights, batches and noise.
/// </summary>
public sealed class BackwardAndStepTests
{
    private const int Steps = 4;

    public BackwardAndStepTests() => TorchNative.EnsureLoaded();

    public static TheoryData<string> Networks => new() { nameof(SmallClassifier), nameof(OddSizedClassifier), nameof(UnitCapNetwork) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void WithFusedAdamTheParametersAreThoseOfBackwardThenStepToTheBit(string name)
    {
        var settings = new TrainingSettings { LogAlphaLearningRate = 0.5 };
        var (reference, fused) = TrainBoth(name, settings, extraLoss: null);

        foreach (var ((parameterName, expected), (_, actual)) in reference.named_parameters().Zip(fused.named_parameters()))
        {
            Assert.True(torch.equal(expected, actual).all().item<bool>(), $"{name}.{parameterName}: max difference {(expected - actual).abs().max().item<float>()}");
        }

        // The fused pass ran: the fused layers' ŵ and ρ never had a gradient stored, the biases did.
        foreach (var layer in fused.children().OfType<StochasticDenseLayer>())
        {
            Assert.Null(layer.Weight.grad);
            Assert.Null(layer.LogAlpha.grad);
            if (layer.Bias is { } bias)
            {
                Assert.NotNull(bias.grad);
            }
        }

        Assert.False(GradientHandover.IsActive);
    }

    [Fact]
    public void AGradientThatAlsoArrivesByAnotherPathIsAddedBeforeTheUpdate()
    {
        var (reference, fused) = TrainBoth(nameof(OddSizedClassifier), new TrainingSettings(),
            extraLoss: network => ((StochasticDenseLayer)((OddSizedClassifier)network).Hidden).Weight.square().sum() * 0.05);

        AssertClose(reference, fused);
        var hidden = (StochasticDenseLayer)((OddSizedClassifier)fused).Hidden;
        var scores = (StochasticDenseLayer)((OddSizedClassifier)fused).Scores;
        Assert.NotNull(hidden.Weight.grad);
        Assert.Null(scores.Weight.grad);
    }

    [Fact]
    public void SgdTakesItsOwnStepOnTheUsualGradients()
    {
        var (reference, fused) = TrainBoth(nameof(OddSizedClassifier), new TrainingSettings { Optimizer = OptimizerKind.Sgd, LearningRate = 0.05 }, extraLoss: null);

        AssertClose(reference, fused);
        Assert.NotNull(((StochasticDenseLayer)((OddSizedClassifier)fused).Hidden).Weight.grad);
    }

    [Fact]
    public void AGroupWithWeightDecayGetsTheUsualGradientsAndStep()
    {
        static FusedAdam WithWeightDecay(InformationNetwork network) => new(new List<Adam.ParamGroup>
        {
            new(network.MeanParameters(), lr: 1e-3, weight_decay: 0.1),
            new(network.LogAlphaParameters(), lr: 3e-2),
        });

        var (reference, fused) = TrainBoth(nameof(SmallClassifier), new TrainingSettings(), extraLoss: null, WithWeightDecay);

        AssertClose(reference, fused);
        Assert.NotNull(((StochasticDenseLayer)((SmallClassifier)fused).Hidden).Weight.grad);
    }

    /// <summary>
    /// The same network trained <see cref="Steps"/> steps twice from the same weights, batches and noise: once with
    /// backward, step and clamp one after another, once with <see cref="InformationNetwork.BackwardAndStep"/>.
    /// </summary>
    private static (InformationNetwork Reference, InformationNetwork Fused) TrainBoth(string name, TrainingSettings settings,
        Func<InformationNetwork, torch.Tensor>? extraLoss, Func<InformationNetwork, torch.optim.Optimizer>? optimizer = null)
    {
        long seed = Random.Shared.Next();
        optimizer ??= network => TrainingOptimizers.Create(network, settings);
        var reference = Train(name, seed, optimizer, extraLoss, (network, loss, step) =>
        {
            loss.backward();
            step.step();
            network.ClampLogAlpha();
        });
        var fused = Train(name, seed, optimizer, extraLoss, (network, loss, step) => network.BackwardAndStep(loss, step));
        return (reference, fused);
    }

    private static InformationNetwork Train(string name, long seed, Func<InformationNetwork, torch.optim.Optimizer> createOptimizer,
        Func<InformationNetwork, torch.Tensor>? extraLoss, Action<InformationNetwork, torch.Tensor, torch.optim.Optimizer> update)
    {
        torch.manual_seed(seed);
        InformationNetwork network = name switch
        {
            nameof(SmallClassifier) => new SmallClassifier(),
            nameof(OddSizedClassifier) => new OddSizedClassifier(),
            _ => new UnitCapNetwork(),
        };
        network.train();
        // ρ on both sides of both bounds, so that the clamp's mask on ∂/∂ρ acts in the first step.
        using (torch.no_grad())
        {
            foreach (var layer in network.StochasticLayers())
            {
                layer.LogAlpha.uniform_(layer.MinLogAlpha - 2, layer.MaxLogAlpha + 1);
            }
        }

        var optimizer = createOptimizer(network);
        long features = network.Description.InputFeatures;
        long classes = network.children().OfType<StochasticDenseLayer>().Last().Weight.shape[0];
        for (int step = 0; step < Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(seed + step + 1);
            var inputs = torch.randn(32, features);
            var labels = torch.randint(0, classes, new long[] { 32 });
            network.zero_grad();
            var (logits, information) = network.call(inputs);
            var loss = torch.nn.functional.cross_entropy(logits, labels) + information * 1e-3;
            if (extraLoss is not null)
            {
                loss = loss + extraLoss(network);
            }

            update(network, loss, optimizer);
        }

        return network;
    }

    private static void AssertClose(InformationNetwork reference, InformationNetwork fused)
    {
        foreach (var ((name, expected), (_, actual)) in reference.named_parameters().Zip(fused.named_parameters()))
        {
            Assert.True(torch.allclose(expected, actual, rtol: 1e-5, atol: 1e-7), $"{name}: max difference {(expected - actual).abs().max().item<float>()}");
        }
    }
}
