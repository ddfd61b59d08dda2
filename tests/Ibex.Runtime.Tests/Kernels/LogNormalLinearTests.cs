using System;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// The fused stochastic Dense layer against autograd of the plain formulas in float64, on the same float32 noise:
/// b = x·ŵᵀ + bias + √(x²·(ŵ²·(e^α − 1))ᵀ + floor)·ξ, Ĩ = ½·Σ(log α_max − clamp ρ), and the gradients of x, ŵ, bias, ρ.
/// </summary>
public sealed class LogNormalLinearTests
{
    private const double Min = -10;
    private const double Floor = 1e-8;
    // log α_max as float32 holds it: the bound the kernels and libtorch's float32 clamp both compare ρ with. (Math.Log(4)
    // itself lies just below it, so a ρ drawn exactly at the float32 bound would count as inside for them and outside
    // for a float64 reference.)
    private static readonly double Max = (float)Math.Log(4.0);

    public LogNormalLinearTests() => TorchNative.EnsureLoaded();

    /// <summary>How the input batch lies in memory: as a fused layer's output leaves it (one row per unit), or as data does.</summary>
    public enum InputLayout
    {
        RowMajor,
        FeatureMajor,
        ColumnsOfAWiderTensor,
    }

    [Theory]
    [InlineData(7, 5, 3, true, true, InputLayout.RowMajor)]
    [InlineData(33, 300, 17, false, true, InputLayout.FeatureMajor)]
    [InlineData(20, 40, 9, true, true, InputLayout.ColumnsOfAWiderTensor)]
    [InlineData(128, 784, 64, true, false, InputLayout.RowMajor)]
    [InlineData(64, 256, 130, true, true, InputLayout.FeatureMajor)]
    public void ForwardAndGradientsMatchAutogradOfThePlainFormulas(int batch, int inputs, int outputs, bool hasBias, bool inputNeedsGrad, InputLayout layout)
    {
        using var scope = torch.NewDisposeScope();
        // The reference draws ξ with torch.randn_like under the same seed; the kernel must draw the same stream.
        using var libTorchNoise = NormalNoise.UseLibTorchGenerator();
        var inputData = torch.rand(batch, inputs).mul(2);
        var weightData = torch.randn(outputs, inputs).mul(0.3);
        var biasData = torch.randn(outputs);
        // ρ on both sides of both bounds, so the clamp's zero gradient is checked too.
        var rhoData = torch.empty(outputs, inputs).uniform_(-12, 2.5);
        var upstream = torch.randn(batch, outputs);
        double informationUpstream = 0.1 + Random.Shared.NextDouble();
        long seed = Random.Shared.Next();

        var input = layout switch
        {
            InputLayout.FeatureMajor => inputData.t().contiguous().t(),
            InputLayout.ColumnsOfAWiderTensor => torch.cat(new[] { torch.rand(batch, 2), inputData, torch.rand(batch, 3) }, 1).narrow(1, 2, inputs),
            _ => inputData.clone(),
        };
        input.requires_grad_(inputNeedsGrad);
        var weight = weightData.clone().requires_grad_(true);
        var bias = hasBias ? biasData.clone().requires_grad_(true) : null;
        var rho = rhoData.clone().requires_grad_(true);
        Assert.True(LogNormalLinear.CanFuse(input, weight, bias, rho));
        torch.manual_seed(seed);
        var (fused, fusedInformation) = LogNormalLinear.Sample(input, weight, bias, rho, Min, Max, Floor);
        (fused.mul(upstream).sum() + fusedInformation * informationUpstream).backward();

        torch.manual_seed(seed);
        var noise = torch.randn(batch, outputs).to(torch.float64);
        var plainInput = inputData.to(torch.float64).requires_grad_(true);
        var plainWeight = weightData.to(torch.float64).requires_grad_(true);
        var plainBias = biasData.to(torch.float64).requires_grad_(true);
        var plainRho = rhoData.to(torch.float64).requires_grad_(true);
        var clamped = plainRho.clamp(Min, Max);
        var weightVariance = plainWeight.square().mul(clamped.exp().expm1());
        var mean = torch.nn.functional.linear(plainInput, plainWeight, hasBias ? plainBias : null);
        var variance = torch.nn.functional.linear(plainInput.square(), weightVariance, null);
        var plain = mean.add(variance.add(Floor).sqrt().mul(noise));
        var plainInformation = (Max * clamped.numel() - clamped.sum()) * 0.5;
        (plain.mul(upstream.to(torch.float64)).sum() + plainInformation * informationUpstream).backward();

        AssertClose(plain, fused, "b");
        // b comes back feature-major (one row per unit), the layout the next fused layer reads without a copy.
        Assert.True(fused.t().is_contiguous());
        Assert.Equal(plainInformation.item<double>(), fusedInformation.item<float>(), Math.Abs(plainInformation.item<double>()) * 1e-5);
        AssertClose(plainWeight.grad!, weight.grad!, "∂/∂ŵ");
        AssertClose(plainRho.grad!, rho.grad!, "∂/∂ρ");
        if (hasBias)
        {
            AssertClose(plainBias.grad!, bias!.grad!, "∂/∂bias");
        }

        if (inputNeedsGrad)
        {
            AssertClose(plainInput.grad!, input.grad!, "∂/∂x");
        }
        else
        {
            Assert.Null(input.grad);
        }
    }

    [Theory]
    [InlineData(true, InputLayout.RowMajor)]
    [InlineData(false, InputLayout.FeatureMajor)]
    [InlineData(true, InputLayout.ColumnsOfAWiderTensor)]
    public void TheMeanIsTheLinearLayerComputedFeatureMajor(bool hasBias, InputLayout layout)
    {
        using var scope = torch.NewDisposeScope();
        var inputData = torch.randn(37, 70);
        var weight = torch.randn(45, 70);
        var bias = hasBias ? torch.randn(45) : null;
        var input = layout switch
        {
            InputLayout.FeatureMajor => inputData.t().contiguous().t(),
            InputLayout.ColumnsOfAWiderTensor => torch.cat(new[] { inputData, torch.rand(37, 4) }, 1).narrow(1, 0, 70),
            _ => inputData,
        };

        var mean = LogNormalLinear.Mean(input, weight, bias);

        var expected = torch.nn.functional.linear(inputData.to(torch.float64), weight.to(torch.float64), bias?.to(torch.float64));
        AssertClose(expected, mean, "x·ŵᵀ + bias");
        Assert.True(mean.t().is_contiguous());
    }

    [Fact]
    public void LayersTheFunctionCannotTakeUseTheSeparateOperations()
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.rand(4, 6);
        var weight = torch.randn(3, 6);
        Assert.False(LogNormalLinear.CanFuse(input, weight, null, torch.full(3, 1, -3.0)));
        Assert.False(LogNormalLinear.CanFuse(input.to(torch.float64), weight.to(torch.float64), null, torch.full(3, 6, -3.0, dtype: torch.float64)));
        Assert.False(LogNormalLinear.CanFuse(input, weight.t().contiguous().t(), null, torch.full(3, 6, -3.0)));
        Assert.False(LogNormalLinear.CanFuse(input.to(torch.float64), weight, null, torch.full(3, 6, -3.0)));

        // Per-unit ρ (out × 1) takes the separate operations; with zero weights the sample is the bias, whatever the noise.
        var bias = torch.randn(3);
        var (output, information) = LogNormalLinear.Sample(input, torch.zeros(3, 6), bias, torch.full(3, 1, -3.0), Min, Max, 0);
        AssertClose(bias.expand(4, 3), output, "bias");
        Assert.Equal(0.5 * 3 * (Max + 3), information.item<float>(), 1e-4);
    }

    /// <summary>Relative 10⁻⁴, plus 10⁻⁵ of the tensor's largest element for entries that cancel to near zero.</summary>
    private static void AssertClose(torch.Tensor expected, torch.Tensor actual, string what)
    {
        var expected64 = expected.to(torch.float64);
        var difference = actual.to(torch.float64).sub(expected64).abs();
        var tolerance = expected64.abs().mul(1e-4).add(expected64.abs().max().item<double>() * 1e-5 + 1e-12);
        long bad = difference.gt(tolerance).sum().item<long>();
        Assert.True(bad == 0, $"{what}: {bad} of {expected.numel()} elements differ by more than 1e-4 relative; largest difference {difference.max().item<double>():G3}");
    }
}
