using System;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>paper.md §6, item 1: the log-normal noise has E[ε] = 1 and Var[ε] = e^α − 1.</summary>
public sealed class NoiseTests
{
    [Fact]
    public void LogNormalNoiseHasUnitMeanAndVarianceExpAlphaMinusOne()
    {
        TorchNative.EnsureLoaded();
        const int draws = 400_000;
        // Fresh α values each run, from nearly deterministic to α = 1 (beyond, the fourth moment makes Monte Carlo slow).
        var alphas = new double[5];
        for (int i = 0; i < alphas.Length; i++)
        {
            alphas[i] = Math.Exp(-4.0 + 4.0 * Random.Shared.NextDouble());
        }

        using var scope = torch.NewDisposeScope();
        var logAlpha = torch.tensor(alphas).log().to(torch.float32).unsqueeze(0).expand(draws, alphas.Length).contiguous();
        var epsilon = LogNormalNoise.Sample(logAlpha);
        var (mean, meanError, variance, varianceError) = Statistics.Moments(epsilon);

        for (int i = 0; i < alphas.Length; i++)
        {
            Statistics.AssertWithin(1.0, mean[i], meanError[i], sigmas: 5, what: $"E[ε] at α = {alphas[i]:G4}");
            Statistics.AssertWithin(Math.Exp(alphas[i]) - 1, variance[i], varianceError[i], sigmas: 5, what: $"Var[ε] at α = {alphas[i]:G4}");
        }
    }
}
