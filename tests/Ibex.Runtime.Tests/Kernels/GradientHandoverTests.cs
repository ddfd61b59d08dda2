using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="InformationNetwork.Backward"/>, whose fused layers store ŵ's and ρ's gradients directly, against
/// <c>loss.backward()</c> on the same weights and noise: the same gradients, accumulated the same way.
/// </summary>
public sealed class GradientHandoverTests
{
    public GradientHandoverTests() => TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void BackwardGivesAndAccumulatesTheGradientsOfLossBackward(int backwardCalls)
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SmallClassifier();
        network.train();
        var inputs = torch.randn(backwardCalls, 24, 16);
        var labels = torch.randint(0, 4, new long[] { backwardCalls, 24 });
        long seed = Random.Shared.Next();

        var handedOver = Gradients(network, inputs, labels, seed, (n, loss) => n.Backward(loss));
        var plain = Gradients(network, inputs, labels, seed, (_, loss) => loss.backward());

        Assert.Equal(plain.Keys.OrderBy(k => k), handedOver.Keys.OrderBy(k => k));
        foreach (var (name, expected) in plain)
        {
            Assert.True(torch.equal(expected, handedOver[name]).all().item<bool>(), $"{name}: the gradients differ");
        }

        Assert.False(GradientHandover.IsActive);
    }

    [Fact]
    public void AFrozenWeightGetsNoGradientAndAnExistingGradientIsAddedTo()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SmallClassifier();
        network.train();
        var hidden = (StochasticDenseLayer)network.Hidden;
        var scores = (StochasticDenseLayer)network.Scores;
        hidden.Weight.requires_grad_(false);
        var existing = torch.randn(scores.LogAlpha.shape);
        scores.LogAlpha.grad = existing.clone();
        long seed = Random.Shared.Next();
        var inputs = torch.randn(12, 16);
        var labels = torch.randint(0, 4, new long[] { 12 });

        torch.manual_seed(seed);
        var (logits, information) = network.call(inputs);
        network.Backward(torch.nn.functional.cross_entropy(logits, labels) + information * 1e-3);
        Assert.Null(hidden.Weight.grad);
        var accumulated = scores.LogAlpha.grad!.clone();

        scores.LogAlpha.grad = null;
        torch.manual_seed(seed);
        (logits, information) = network.call(inputs);
        (torch.nn.functional.cross_entropy(logits, labels) + information * 1e-3).backward();
        Assert.True(torch.allclose(existing + scores.LogAlpha.grad!, accumulated, rtol: 1e-6, atol: 1e-7), "the existing ρ gradient was not added to");
    }

    [Fact]
    public void StoreAdoptsTheGradientOfALeafWithoutOneAndOnlyInsideTheScope()
    {
        using var scope = torch.NewDisposeScope();
        var leaf = torch.zeros(3, 4).requires_grad_(true);
        var gradient = torch.randn(3, 4);
        Assert.Same(gradient, GradientHandover.Store(leaf, gradient));
        Assert.Null(leaf.grad);

        using (GradientHandover.Begin())
        {
            Assert.Null(GradientHandover.Store(leaf, gradient));
            // Adopted, not copied: the .grad shares the gradient's memory.
            gradient.fill_(7);
            Assert.True(leaf.grad!.eq(7).all().item<bool>());
            // A second gradient for the same leaf goes through autograd, which adds it.
            var second = torch.randn(3, 4);
            Assert.Same(second, GradientHandover.Store(leaf, second));
            Assert.Same(second, GradientHandover.Store(leaf.mul(2), second));
        }

        Assert.False(GradientHandover.IsActive);
    }

    [Fact]
    public void TheScopeReachesTheBackwardOfACustomFunction()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(5).requires_grad_(true);
        var observed = new List<bool>();
        ObservingFunction.apply(x, observed).sum().backward();
        using var network = new SmallClassifier();
        network.Backward(ObservingFunction.apply(x, observed).sum());
        Assert.Equal(new[] { false, true }, observed);
    }

    /// <summary>The identity, recording in its backward whether the handover scope is active there.</summary>
    private sealed class ObservingFunction : torch.autograd.SingleTensorFunction<ObservingFunction>
    {
        public override string Name => nameof(ObservingFunction);

        public override torch.Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            ctx.save_data("observed", vars[1]);
            return ((torch.Tensor)vars[0]).clone();
        }

        public override List<torch.Tensor> backward(torch.autograd.AutogradContext ctx, torch.Tensor gradOutput)
        {
            ((List<bool>)ctx.get_data("observed")).Add(GradientHandover.IsActive);
            return new List<torch.Tensor> { gradOutput, null! };
        }
    }

    /// <summary>Every parameter's gradient after <paramref name="backward"/> over each batch in turn, from the same start and seed.</summary>
    private static Dictionary<string, torch.Tensor> Gradients(InformationNetwork network, torch.Tensor inputs, torch.Tensor labels, long seed,
        Action<InformationNetwork, torch.Tensor> backward)
    {
        network.zero_grad();
        torch.manual_seed(seed);
        for (int call = 0; call < inputs.shape[0]; call++)
        {
            var (logits, information) = network.call(inputs[call]);
            backward(network, torch.nn.functional.cross_entropy(logits, labels[call]) + information * 1e-3);
        }

        return network.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }
}
