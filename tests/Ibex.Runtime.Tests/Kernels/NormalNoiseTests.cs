using System;
using System.Linq;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// The kernels' counter-based normal generator: its moments and distribution against N(0, 1), the independence of
/// neighbouring values (the Box–Muller partners included), repeatability under torch.manual_seed and independence of the
/// thread split. Bounds are five standard errors of the statistic (or the Kolmogorov–Smirnov bound at p = 10⁻⁶), so a
/// correct generator fails them about once in a million runs; the seeds are fresh each run.
/// </summary>
public sealed class NormalNoiseTests
{
    private const int Count = 1 << 21;

    public NormalNoiseTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void ValuesHaveTheMomentsAndTheDistributionOfAStandardNormal()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(Random.Shared.Next());
        var values = NormalNoise.Like(torch.empty(Count)).to(torch.float64);
        double n = Count;

        double mean = values.mean().item<double>();
        double variance = values.sub(mean).square().mean().item<double>();
        double skewness = values.pow(3).mean().item<double>();
        double kurtosis = values.pow(4).mean().item<double>();
        Assert.InRange(mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Assert.InRange(variance, 1 - 5 * Math.Sqrt(2 / n), 1 + 5 * Math.Sqrt(2 / n));
        Assert.InRange(skewness, -5 * Math.Sqrt(15 / n), 5 * Math.Sqrt(15 / n));
        Assert.InRange(kurtosis, 3 - 5 * Math.Sqrt(96 / n), 3 + 5 * Math.Sqrt(96 / n));

        // Kolmogorov–Smirnov against Φ: sup |F_n − Φ| < √(ln(2/p)/(2n)) with p = 10⁻⁶.
        var sorted = values.sort().Values;
        var cdf = sorted.div(Math.Sqrt(2)).erf().add(1).mul(0.5);
        var ranks = torch.arange(1, Count + 1, dtype: torch.float64).div(n);
        double distance = Math.Max(ranks.sub(cdf).abs().max().item<double>(), cdf.sub(ranks.sub(1 / n)).abs().max().item<double>());
        Assert.True(distance < Math.Sqrt(Math.Log(2e6) / (2 * n)), $"Kolmogorov–Smirnov distance {distance:G3}");

        // Tails: P(|ξ| > 4) = 6.33·10⁻⁵, so about 133 of 2²¹ values; a Poisson count within five of its standard deviations.
        double tail = values.abs().gt(4).sum().item<long>();
        double expectedTail = 6.334e-5 * n;
        Assert.InRange(tail, expectedTail - 5 * Math.Sqrt(expectedTail), expectedTail + 5 * Math.Sqrt(expectedTail));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    public void ValuesAtEveryLagAreUncorrelated(int lag)
    {
        // Lag 8 pairs each cosine normal with its Box–Muller sine partner, lag 16 with the next block's.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(Random.Shared.Next());
        var values = NormalNoise.Like(torch.empty(Count)).to(torch.float64);
        double correlation = values.narrow(0, 0, Count - lag).mul(values.narrow(0, lag, Count - lag)).mean().item<double>();
        Assert.InRange(correlation, -5 / Math.Sqrt(Count), 5 / Math.Sqrt(Count));
        // The squares too: Box–Muller partners share a radius, which a wrong transform would show here.
        var squares = values.square().sub(1);
        double squareCorrelation = squares.narrow(0, 0, Count - lag).mul(squares.narrow(0, lag, Count - lag)).mean().item<double>() / 2;
        Assert.InRange(squareCorrelation, -5 * Math.Sqrt(2) / Math.Sqrt(Count), 5 * Math.Sqrt(2) / Math.Sqrt(Count));
    }

    [Fact]
    public void ManualSeedRepeatsTheValuesAndNextCallsDiffer()
    {
        using var scope = torch.NewDisposeScope();
        long seed = Random.Shared.Next();
        int length = 65536 * 3 + Random.Shared.Next(1, 100);
        torch.manual_seed(seed);
        var first = NormalNoise.Like(torch.empty(length));
        var second = NormalNoise.Like(torch.empty(length));
        torch.manual_seed(seed);
        var again = NormalNoise.Like(torch.empty(length));

        Assert.True(first.eq(again).all().item<bool>());
        Assert.False(first.eq(second).all().item<bool>());
        Assert.True(first.isfinite().all().item<bool>());
    }

    [Fact]
    public void TheValuesDependOnTheElementNotOnTheThreadSplit()
    {
        // The short tensor runs on one thread, the long one in chunks; the same key gives the same leading values.
        var key = ((uint)Random.Shared.Next(), (uint)Random.Shared.Next());
        var shortValues = new float[1000];
        var longValues = new float[65536 * 4 + 5];
        NormalNoise.Fill(shortValues, key);
        NormalNoise.Fill(longValues, key);
        Assert.Equal(shortValues, longValues.Take(shortValues.Length));
    }

    [Fact]
    public void UnderTheLibTorchGeneratorTheValuesAreTorchRandnLike()
    {
        using var scope = torch.NewDisposeScope();
        long seed = Random.Shared.Next();
        var like = torch.empty(300, 7);
        torch.manual_seed(seed);
        var expected = torch.randn_like(like);
        torch.manual_seed(seed);
        using (NormalNoise.UseLibTorchGenerator())
        {
            Assert.True(NormalNoise.IsLibTorchGenerator);
            Assert.True(expected.eq(NormalNoise.Like(like)).all().item<bool>());
        }

        Assert.False(NormalNoise.IsLibTorchGenerator);
    }
}
