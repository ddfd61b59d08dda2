using System.Collections.Generic;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// TorchSharp keeps an output-sized copy per output of every custom autograd function, and its saved tensors, until the
/// graph goes; the kernels free them early (<see cref="AutogradFunctionMemory"/>). If a TorchSharp version moves the private
/// fields this relies on, these fail.
/// </summary>
public sealed class AutogradFunctionMemoryTests
{
    public AutogradFunctionMemoryTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void TheOutputCopyOfAFunctionThatRecordsABackwardIsFreedAndTheGradientIsUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(64, 33).requires_grad_();
        var y = Tripling.apply(x)[0];

        Assert.Equal(1, AutogradFunctionMemory.ReleaseOutputCopies(Tripling.LastContext!));
        Assert.Equal(0, AutogradFunctionMemory.ReleaseOutputCopies(Tripling.LastContext!));

        y.mul(y).sum().backward();
        // d/dx (3x)² = 18x.
        Assert.True(x.grad!.allclose(x.detach().mul(18), rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void WithoutABackwardThereIsNoCopy()
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            Tripling.apply(torch.randn(8, 8).requires_grad_());
        }

        Assert.Equal(0, AutogradFunctionMemory.ReleaseOutputCopies(Tripling.LastContext!));
    }

    [Fact]
    public void TheLocalReparameterizationSampleFreesItsCopyAndKeepsItsGradients()
    {
        using var scope = torch.NewDisposeScope();
        var mean = torch.randn(16, 8, 5, 5).requires_grad_();
        var variance = torch.rand(16, 8, 5, 5).add(0.1).requires_grad_();
        long before = Tensor.TotalCount;
        var sample = LocalReparameterization.Sample(mean, variance, 1e-8);
        // The forward leaves the sample's handle alone: its own noise and output handles and TorchSharp's copy of the output
        // would make four. (At most: the finalizer may free handles of earlier tests meanwhile.)
        long made = Tensor.TotalCount - before;

        var weights = torch.randn_like(sample);
        sample.mul(weights).sum().backward();
        Assert.True(mean.grad!.allclose(weights, rtol: 1e-6, atol: 1e-6));
        Assert.Equal(sample.size(), variance.grad!.size());
        Assert.True(made <= 1, $"{made} tensors outlive the sample's forward");
    }

    [Fact]
    public void InformationDropoutWithItsKlLeftOutGetsTheGradientsOfAZeroWeightedKl()
    {
        using var scope = torch.NewDisposeScope();
        var activation = torch.rand(32, 16, 6, 6);
        var logits = torch.randn(32, 16, 6, 6);
        long seed = new System.Random().Next();

        (Tensor Activation, Tensor Logits) Gradients(bool klInLoss)
        {
            var f = activation.clone().requires_grad_();
            var a = logits.clone().requires_grad_();
            torch.manual_seed(seed);
            var (noisy, information) = InformationDropoutNoise.LogUniform(f, a, 0.7);
            (klInLoss ? noisy.sum().add(information.mul(0)) : noisy.sum()).backward();
            return (f.grad!, a.grad!);
        }

        var withKl = Gradients(klInLoss: true);
        var withoutKl = Gradients(klInLoss: false);
        Assert.True(withoutKl.Activation.allclose(withKl.Activation, rtol: 1e-6, atol: 1e-7));
        Assert.True(withoutKl.Logits.allclose(withKl.Logits, rtol: 1e-6, atol: 1e-7));
        Assert.True(withKl.Logits.abs().sum().item<float>() > 0, "the noise's gradient with respect to α is not zero");
    }

    private sealed class Tripling : autograd.MultiTensorFunction<Tripling>
    {
        public static autograd.AutogradContext? LastContext;

        public override string Name => nameof(Tripling);

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            ctx.set_materialize_grads(false);
            LastContext = ctx;
            return new List<Tensor> { ((Tensor)vars[0]).mul(3) };
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
            => new List<Tensor> { gradOutputs[0].mul(3) };
    }
}
