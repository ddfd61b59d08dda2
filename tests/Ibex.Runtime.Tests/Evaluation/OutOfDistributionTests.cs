using System;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;

namespace Ibex.Runtime.Tests.Evaluation;

public sealed class OutOfDistributionTests
{
    [Fact]
    public void AurocAuprAndFpr95AreTheirDefinitionsOnScoresWithTies()
    {
        var random = new Random();
        for (int draw = 0; draw < 20; draw++)
        {
            // Few distinct values: ties between and within the two sets.
            double[] inScores = Enumerable.Range(0, random.Next(1, 60)).Select(_ => (double)random.Next(0, 8)).ToArray();
            double[] outScores = Enumerable.Range(0, random.Next(1, 60)).Select(_ => (double)random.Next(2, 10)).ToArray();

            var result = OutOfDistribution.Evaluate(inScores, outScores);

            double pairs = outScores.Sum(o => inScores.Sum(i => o > i ? 1.0 : o == i ? 0.5 : 0.0));
            Assert.Equal(pairs / (inScores.Length * outScores.Length), result.AreaUnderRoc, 12);
            Assert.Equal(AveragePrecision(outScores, inScores), result.AreaUnderPrecisionRecallOut, 12);
            Assert.Equal(AveragePrecision(inScores.Select(s => -s).ToArray(), outScores.Select(s => -s).ToArray()), result.AreaUnderPrecisionRecallIn, 12);

            double threshold = inScores.Concat(outScores).Distinct().Where(t => outScores.Count(o => o >= t) >= 0.95 * outScores.Length).Max();
            Assert.Equal(inScores.Count(i => i >= threshold) / (double)inScores.Length, result.FalsePositiveRateAt95, 12);
        }
    }

    [Fact]
    public void SeparatedScoresArePerfectAndEqualOnesAreChance()
    {
        var random = new Random();
        double[] inScores = Enumerable.Range(0, 100).Select(_ => random.NextDouble()).ToArray();
        var separated = OutOfDistribution.Evaluate(inScores, inScores.Select(s => s + 1).ToArray());
        Assert.Equal(1.0, separated.AreaUnderRoc, 12);
        Assert.Equal(1.0, separated.AreaUnderPrecisionRecallOut, 12);
        Assert.Equal(0.0, separated.FalsePositiveRateAt95, 12);

        var same = OutOfDistribution.Evaluate(Enumerable.Repeat(0.3, 40).ToArray(), Enumerable.Repeat(0.3, 60).ToArray());
        Assert.Equal(0.5, same.AreaUnderRoc, 12);
        Assert.Equal(0.6, same.AreaUnderPrecisionRecallOut, 12);
        Assert.Equal(1.0, same.FalsePositiveRateAt95, 12);
    }

    [Fact]
    public void AnEmptyOrNonFiniteListIsAnError()
    {
        Assert.Contains("outOfDistribution", Assert.Throws<ArgumentException>(() => OutOfDistribution.Evaluate(new[] { 1.0 }, Array.Empty<double>())).Message);
        Assert.Contains("inDistribution[1]", Assert.Throws<ArgumentException>(() => OutOfDistribution.Evaluate(new[] { 1.0, double.NaN }, new[] { 2.0 })).Message);
    }

    /// <summary>The mean over positives of the precision at the positive's own score, counting everything that scores at least as high.</summary>
    private static double AveragePrecision(double[] positives, double[] negatives)
        => positives.Average(p => positives.Count(q => q >= p) / (double)(positives.Count(q => q >= p) + negatives.Count(q => q >= p)));
}
