using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Layers;

/// <summary>The weight layers' shared base: saved names and order, PyTorch's initialization bound, ρ's shapes, and moving.</summary>
public sealed class WeightLayerTests
{
    public WeightLayerTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void ParametersKeepTheirNamesOrderAndPyTorchsBound()
    {
        int inChannels = Random.Shared.Next(1, 5), outChannels = Random.Shared.Next(1, 7), kernel = Random.Shared.Next(1, 4);
        using var convolution = new StochasticConv2dLayer(inChannels, outChannels, kernel, hasBias: true, initialLogAlpha: -6, perUnit: true);
        Assert.Equal(new[] { "weight", "bias", "log_alpha" }, convolution.named_parameters().Select(p => p.name));
        Assert.Equal(new long[] { outChannels, 1, 1, 1 }, convolution.LogAlpha.shape);
        Assert.True(convolution.LogAlpha.eq(-6).all().item<bool>());
        double bound = 1 / Math.Sqrt(inChannels * kernel * kernel);
        Assert.True(convolution.Weight.abs().max().item<float>() <= bound && convolution.Bias!.abs().max().item<float>() <= bound);

        using var dense = new StochasticDenseLayer(7, 3, hasBias: false, initialLogAlpha: -4);
        Assert.Equal(new[] { "weight", "log_alpha" }, dense.named_parameters().Select(p => p.name));
        Assert.Equal(new long[] { 3, 7 }, dense.LogAlpha.shape);
        Assert.Null(dense.Bias);
        using var plain = new DenseLayer(7, 3, hasBias: true);
        Assert.Equal(new[] { "weight", "bias" }, plain.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void MovingTheLayerMovesWhatItsPropertiesReturn()
    {
        // TorchSharp's to() replaces each Parameter and sets the fields by reflection; the fields live in the base classes.
        using var layer = new StochasticDenseLayer(5, 4, hasBias: true, initialLogAlpha: -6);
        layer.to(torch.float64);
        Assert.Equal(torch.float64, layer.Weight.dtype);
        Assert.Equal(torch.float64, layer.Bias!.dtype);
        Assert.Equal(torch.float64, layer.LogAlpha.dtype);
        Assert.Equal(layer.named_parameters().Select(p => p.parameter.Handle), new[] { layer.Weight.Handle, layer.Bias.Handle, layer.LogAlpha.Handle });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2dLayer(0, 4, 3, hasBias: false));
    }
}
