using System;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// The fused log-normal weight-noise kernel against autograd of the plain formulas: variance weights ŵ²·(e^α − 1) with
/// α = e^clamp(ρ), Ĩ = ½·Σ(log α_max − clamp ρ), and both gradients, on fresh random tensors with ρ on both sides of
/// the bounds and lengths that exercise the vector tails and the two-thread split.
/// </summary>
public sealed class KernelTests
{
    private const double Min = -10;
    // log α_max as float32 holds it: the bound the kernels and libtorch's float32 clamp both compare ρ with. (Math.Log(4)
    // itself lies just below it, so a ρ drawn exactly at the float32 bound would count as inside for them and outside
    // for a float64 reference.)
    private static readonly double Max = (float)Math.Log(4.0);

    public KernelTests() => TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(7, 5)]
    [InlineData(1024, 785)]
    [InlineData(3, 65537)]
    public void FusedForwardAndBackwardMatchAutogradOfThePlainFormulas(int rows, int columns)
    {
        using var scope = torch.NewDisposeScope();
        var weightData = torch.randn(rows, columns);
        var rhoData = torch.empty(rows, columns).uniform_(-13, 3);
        var upstream = torch.randn(rows, columns);
        double informationUpstream = 0.1 + Random.Shared.NextDouble();

        var fusedWeight = weightData.clone().requires_grad_(true);
        var fusedRho = rhoData.clone().requires_grad_(true);
        Assert.True(LogNormalWeightNoise.CanFuse(fusedWeight, fusedRho));
        var (fusedVariance, fusedInformation) = LogNormalWeightNoise.Apply(fusedWeight, fusedRho, Min, Max);
        (fusedVariance.mul(upstream).sum() + fusedInformation * informationUpstream).backward();

        var plainWeight = weightData.to(torch.float64).requires_grad_(true);
        var plainRho = rhoData.to(torch.float64).requires_grad_(true);
        var clamped = plainRho.clamp(Min, Max);
        var plainVariance = plainWeight.square().mul(clamped.exp().expm1());
        var plainInformation = (Max * clamped.numel() - clamped.sum()) * 0.5;
        (plainVariance.mul(upstream.to(torch.float64)).sum() + plainInformation * informationUpstream).backward();

        AssertClose(plainVariance, fusedVariance, "ŵ²·(e^α − 1)");
        Assert.Equal(plainInformation.item<double>(), fusedInformation.item<float>(), Math.Abs(plainInformation.item<double>()) * 1e-5);
        AssertClose(plainWeight.grad!, fusedWeight.grad!, "∂/∂ŵ");
        AssertClose(plainRho.grad!, fusedRho.grad!, "∂/∂ρ");
    }

    [Fact]
    public void TensorsTheLoopsCannotReadTakeTheLibtorchPathWithTheSameResult()
    {
        using var scope = torch.NewDisposeScope();
        var weight = torch.randn(6, 9);
        var rho = torch.empty(6, 9).uniform_(-12, 2);
        var transposedWeight = weight.t().contiguous().t();
        var transposedRho = rho.t().contiguous().t();
        Assert.False(LogNormalWeightNoise.CanFuse(transposedWeight, transposedRho));

        var (fused, fusedInformation) = LogNormalWeightNoise.Apply(weight, rho, Min, Max);
        var (fallback, fallbackInformation) = LogNormalWeightNoise.Apply(transposedWeight, transposedRho, Min, Max);

        AssertClose(fallback.to(torch.float64), fused, "variance weights");
        Assert.Equal(fallbackInformation.item<float>(), fusedInformation.item<float>(), 1e-3);
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(128, 32 * 28 * 28)]
    public void FusedLocalReparameterizationMatchesAutogradOfThePlainFormula(int rows, int columns)
    {
        using var scope = torch.NewDisposeScope();
        // The reference draws ξ with torch.randn_like under the same seed; the kernel must draw the same stream.
        using var libTorchNoise = NormalNoise.UseLibTorchGenerator();
        var meanData = torch.randn(rows, columns);
        var varianceData = torch.rand(rows, columns).mul(3);
        var upstream = torch.randn(rows, columns);
        long seed = Random.Shared.Next();

        var mean = meanData.clone().requires_grad_(true);
        var variance = varianceData.clone().requires_grad_(true);
        torch.manual_seed(seed);
        var fused = LocalReparameterization.Sample(mean, variance, 1e-8);
        fused.mul(upstream).sum().backward();

        var plainMean = meanData.clone().requires_grad_(true);
        var plainVariance = varianceData.clone().requires_grad_(true);
        torch.manual_seed(seed);
        var plain = plainMean.addcmul(plainVariance.add(1e-8).sqrt(), torch.randn_like(plainMean), 1.0);
        plain.mul(upstream).sum().backward();

        AssertClose(plain, fused, "μ + √(s + floor)·ξ");
        AssertClose(plainMean.grad!, mean.grad!, "∂/∂μ");
        AssertClose(plainVariance.grad!, variance.grad!, "∂/∂s");
    }

    [Theory]
    [InlineData(5, 11)]
    [InlineData(64, 32 * 28 * 28)]
    public void FusedInformationDropoutMatchesAutogradOfThePlainFormulas(int rows, int columns)
    {
        using var scope = torch.NewDisposeScope();
        // The reference draws ξ with torch.randn_like under the same seed; the kernel must draw the same stream.
        using var libTorchNoise = NormalNoise.UseLibTorchGenerator();
        var activationData = torch.nn.functional.relu(torch.randn(rows, columns));
        var logitsData = torch.randn(rows, columns).mul(2);
        var upstream = torch.randn(rows, columns);
        double informationUpstream = 0.1 + Random.Shared.NextDouble();
        long seed = Random.Shared.Next();

        var activation = activationData.clone().requires_grad_(true);
        var logits = logitsData.clone().requires_grad_(true);
        torch.manual_seed(seed);
        var (fused, fusedInformation) = InformationDropoutNoise.LogUniform(activation, logits, 0.7);
        (fused.mul(upstream).sum() + fusedInformation * informationUpstream).backward();

        var plainActivation = activationData.to(torch.float64).requires_grad_(true);
        var plainLogits = logitsData.to(torch.float64).requires_grad_(true);
        torch.manual_seed(seed);
        var noise = torch.randn_like(activationData).to(torch.float64);
        var alpha = plainLogits.sigmoid().mul(0.7).add(0.001);
        var plain = plainActivation.mul(alpha.mul(noise).exp());
        var plainInformation = InformationTerms.LogUniformActivationNats(alpha, 0.7);
        (plain.mul(upstream.to(torch.float64)).sum() + plainInformation * informationUpstream).backward();

        AssertClose(plain, fused, "f·e^{αξ}");
        Assert.Equal(plainInformation.item<double>(), fusedInformation.item<float>(), Math.Abs(plainInformation.item<double>()) * 1e-5);
        AssertClose(plainActivation.grad!, activation.grad!, "∂/∂f");
        AssertClose(plainLogits.grad!, logits.grad!, "∂/∂a");
    }

    [Fact]
    public void ActivationKernelsTakeTheLibtorchPathForTensorsTheLoopsCannotRead()
    {
        // float64 draws another noise stream than float32, so the two paths are compared where the noise does not matter:
        // a sample with zero variance is its mean (up to √floor·ξ), and the KL does not depend on the noise at all.
        using var scope = torch.NewDisposeScope();
        var mean = torch.randn(16, 40);
        var activation = torch.nn.functional.relu(torch.randn(16, 40));
        var logits = torch.randn(16, 40);

        var fusedSample = LocalReparameterization.Sample(mean, torch.zeros(16, 40), 1e-8);
        var plainSample = LocalReparameterization.Sample(mean.to(torch.float64), torch.zeros(16, 40, dtype: torch.float64), 1e-8);
        var (_, fusedInformation) = InformationDropoutNoise.LogUniform(activation, logits, 0.7);
        var (plainDropout, plainInformation) = InformationDropoutNoise.LogUniform(activation.to(torch.float64), logits.to(torch.float64), 0.7);

        Assert.Equal(torch.float64, plainSample.dtype);
        Assert.True(torch.allclose(fusedSample, mean, atol: 1e-3) && torch.allclose(plainSample, mean.to(torch.float64), atol: 1e-3));
        Assert.Equal(torch.float64, plainDropout.dtype);
        Assert.Equal(plainInformation.item<double>(), fusedInformation.item<float>(), Math.Abs(plainInformation.item<double>()) * 1e-5);
    }

    /// <summary>
    /// Each element within 1e-4 of the float64 reference, relative, or within 1e-6 of the tensor's largest magnitude:
    /// float32 formulas whose terms cancel (∂/∂a of Information Dropout) leave an absolute error that scales with the
    /// terms, not with the result, and a 1.6-million-element tensor has elements near zero.
    /// </summary>
    private static void AssertClose(torch.Tensor expected, torch.Tensor actual, string what)
    {
        var reference = expected.to(torch.float64);
        var difference = actual.to(torch.float64).sub(reference).abs();
        double scale = Math.Max(1.0, reference.abs().max().item<double>());
        var tolerance = reference.abs().mul(1e-4).add(1e-6 * scale);
        long bad = difference.gt(tolerance).sum().item<long>();
        Assert.True(bad == 0, $"{what}: {bad} of {expected.numel()} elements differ by more than 1e-4 relative or {1e-6 * scale:G3} absolute; largest difference {difference.max().item<double>():G3}");
    }
}
