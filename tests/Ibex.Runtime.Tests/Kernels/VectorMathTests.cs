using System;
using System.Runtime.Intrinsics;
using Ibex.Runtime.Kernels;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>The kernels' own float32 exp, e^x − 1 and ln against double-precision Math on fresh random arguments.</summary>
public sealed class VectorMathTests
{
    private const int Samples = 20000;

    [Theory]
    [InlineData(-80.0, 80.0)]
    [InlineData(-1.0, 1.0)]
    [InlineData(-12.0, 2.0)]
    public void ExpIsWithinAFewUlpsRelative(double low, double high)
        => AssertRelativeError(low, high, VectorMath.Exp, Math.Exp, 5e-7);

    [Theory]
    [InlineData(1e-7, 1e-3)]
    [InlineData(1e-3, 0.35)]
    [InlineData(0.3, 4.0)]
    [InlineData(-0.35, -1e-6)]
    [InlineData(-20.0, 80.0)]
    public void ExpMinusOneKeepsItsRelativeAccuracyNearZero(double low, double high)
        => AssertRelativeError(low, high, VectorMath.ExpMinusOne, ExactExpMinusOne, 5e-7);

    /// <summary>e^x − 1 in double: its series where Math.Exp(x) − 1 would lose more than 10⁻¹¹ relative.</summary>
    private static double ExactExpMinusOne(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;

    [Theory]
    [InlineData(1e-30, 1e-20)]
    [InlineData(0.5, 2.0)]
    [InlineData(1.0, 1e30)]
    public void LogIsWithinAFewUlps(double low, double high)
    {
        // Absolute error near ln x = 0 (x ≈ 1), relative elsewhere: ln's own condition number.
        var random = new Random();
        var inputs = new float[Vector256<float>.Count];
        for (int sample = 0; sample < Samples; sample += inputs.Length)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)Math.Exp(Math.Log(low) + random.NextDouble() * (Math.Log(high) - Math.Log(low)));
            }

            var outputs = VectorMath.Log(Vector256.Create(inputs));
            for (int i = 0; i < inputs.Length; i++)
            {
                double expected = Math.Log(inputs[i]);
                Assert.True(Math.Abs(outputs[i] - expected) <= 3e-7 * Math.Max(1, Math.Abs(expected)), $"ln({inputs[i]:R}) = {expected:R}, got {outputs[i]:R}");
            }
        }
    }

    [Fact]
    public void SixteenWideVersionsGiveTheSameValuesAsTheEightWideOnes()
    {
        var random = new Random();
        var inputs = new float[Vector512<float>.Count];
        for (int sample = 0; sample < Samples; sample += inputs.Length)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)(-20 + random.NextDouble() * 30);
            }

            var wide = Vector512.Create(inputs);
            var (low, high) = (Vector256.Create(inputs, 0), Vector256.Create(inputs, 8));
            Assert.Equal(Vector512.Create(VectorMath.Exp(low), VectorMath.Exp(high)), VectorMath.Exp(wide));
            Assert.Equal(Vector512.Create(VectorMath.ExpMinusOne(low), VectorMath.ExpMinusOne(high)), VectorMath.ExpMinusOne(wide));
        }
    }

    private static void AssertRelativeError(double low, double high, Func<Vector256<float>, Vector256<float>> function, Func<double, double> exact, double tolerance)
    {
        var random = new Random();
        var inputs = new float[Vector256<float>.Count];
        for (int sample = 0; sample < Samples; sample += inputs.Length)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)(low + random.NextDouble() * (high - low));
            }

            var outputs = function(Vector256.Create(inputs));
            for (int i = 0; i < inputs.Length; i++)
            {
                double expected = exact(inputs[i]);
                double error = Math.Abs(outputs[i] - expected) / Math.Abs(expected);
                Assert.True(error <= tolerance, $"f({inputs[i]:R}) = {expected:R}, got {outputs[i]:R} (relative error {error:E2})");
            }
        }
    }
}
