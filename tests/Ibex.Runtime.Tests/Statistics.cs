using System;
using TorchSharp;

namespace Ibex.Runtime.Tests;

/// <summary>Sample moments with their standard errors, for Monte-Carlo assertions with honest tolerances.</summary>
internal static class Statistics
{
    /// <summary>Per column of <paramref name="samples"/> (rows are draws): mean, variance, and the standard error of each.</summary>
    public static (double[] Mean, double[] MeanError, double[] Variance, double[] VarianceError) Moments(torch.Tensor samples)
    {
        using var scope = torch.NewDisposeScope();
        var x = samples.to_type(torch.float64);
        long n = x.shape[0];
        var mean = x.mean(new long[] { 0 });
        var centered = x - mean;
        var variance = centered.square().sum(new long[] { 0 }) / (n - 1);
        var fourth = centered.pow(4).mean(new long[] { 0 });
        // SE of the sample variance: √((μ₄ − σ⁴)/n), estimated from the sample (valid for non-Gaussian draws too).
        var varianceError = ((fourth - variance.square()) / n).sqrt();
        var meanError = (variance / n).sqrt();
        return (mean.data<double>().ToArray(), meanError.data<double>().ToArray(), variance.data<double>().ToArray(), varianceError.data<double>().ToArray());
    }

    /// <summary>Asserts |actual − expected| ≤ sigmas·error, with a message that shows all three.</summary>
    public static void AssertWithin(double expected, double actual, double error, double sigmas, string what)
    {
        double distance = Math.Abs(actual - expected);
        if (!(distance <= sigmas * error))
        {
            throw new Xunit.Sdk.XunitException(
                $"{what}: expected {expected:G6}, got {actual:G6}; off by {distance:G3} = {distance / error:F1} standard errors (allowed {sigmas}).");
        }
    }
}
