using System;
using System.Linq;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>The Gaussian (sparse variational dropout) KL approximation, paper.md §2.2c and §6, item 4.</summary>
public sealed class NoiseFamilyTests
{
    public NoiseFamilyTests() => TorchNative.EnsureLoaded();

    private static double SparseVd(double logAlpha)
        => InformationTerms.SparseVdWeightNats(torch.tensor(new[] { logAlpha }, dtype: torch.float64)).item<double>();

    [Fact]
    public void SparseVdTendsToMinusHalfLogAlphaPlusK1AsAlphaVanishes()
    {
        // Fresh ρ deep in the small-α regime: there the KL is −½·ρ + k₁ up to terms of order k₁·sigmoid(k₂ + k₃·ρ) + ½·α.
        foreach (double rho in Enumerable.Range(0, 5).Select(_ => -12 - 8 * Random.Shared.NextDouble()))
        {
            Assert.Equal(-0.5 * rho + InformationTerms.SparseVdK1, SparseVd(rho), 1e-4);
        }

        // paper.md §2.2c: at α = 10⁻⁴ the approximation gives 5.24098 against −½·log α + k₁ = 5.24093.
        Assert.Equal(5.24098, SparseVd(Math.Log(1e-4)), 5e-5);
    }

    [Fact]
    public void SparseVdTendsToZeroAsAlphaGrowsAndDecreasesEverywhere()
    {
        foreach (double rho in Enumerable.Range(0, 5).Select(_ => 12 + 8 * Random.Shared.NextDouble()))
        {
            double value = SparseVd(rho);
            Assert.InRange(value, 0, 1e-5);
        }

        var grid = Enumerable.Range(0, 200).Select(i => -15 + 0.15 * i + 0.1 * Random.Shared.NextDouble()).OrderBy(r => r).ToArray();
        var values = grid.Select(SparseVd).ToArray();
        for (int i = 1; i < values.Length; i++)
        {
            Assert.True(values[i] < values[i - 1], $"the KL must decrease in α: KL({grid[i - 1]:F3}) = {values[i - 1]:F6}, KL({grid[i]:F3}) = {values[i]:F6}");
        }
    }

    [Fact]
    public void SharedAlphaMultipliesEachTermByTheWeightsThatShareIt()
    {
        var rho = torch.empty(7, dtype: torch.float64).uniform_(-10, 5);
        long share = 1 + Random.Shared.Next(50);

        Assert.Equal(InformationTerms.SparseVdWeightNats(rho).item<double>() * share, InformationTerms.SparseVdWeightNats(rho, share).item<double>(), 1e-9);
        Assert.Equal(InformationTerms.LogUniformWeightNats(rho.clamp_max(1), 1, 1).item<double>() * share,
            InformationTerms.LogUniformWeightNats(rho.clamp_max(1), 1, share).item<double>(), 1e-9);
    }
}
