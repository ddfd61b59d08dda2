using System;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;

namespace Ibex.Runtime.Tests.Evaluation;

public sealed class SelectiveClassificationTests
{
    [Fact]
    public void RiskAtEachCoverageIsTheErrorRateOfTheMostConfidentExamples()
    {
        var random = new Random();
        int n = random.Next(20, 300);
        double[] confidence = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        bool[] correct = confidence.Select(c => random.NextDouble() < c).ToArray();

        var curve = SelectiveClassification.Evaluate(confidence, correct);

        double area = 0;
        for (int k = 1; k <= n; k++)
        {
            // The k most confident: those with fewer than k examples more confident than themselves.
            int errors = Enumerable.Range(0, n).Count(i => confidence.Count(c => c > confidence[i]) < k && !correct[i]);
            Assert.Equal(errors / (double)k, curve.Risk[k - 1], 12);
            area += errors / (double)k / n;
        }

        Assert.Equal(area, curve.AreaUnderCurve, 12);
        int half = (int)Math.Ceiling(0.5 * n);
        Assert.Equal(1 - curve.Risk[half - 1], curve.AccuracyAtCoverage(0.5), 12);
    }

    [Fact]
    public void TiesCountAtTheirGroupsErrorRateAndAPerfectRankingHasTheLeastArea()
    {
        var random = new Random();
        int n = random.Next(10, 200), errors = random.Next(1, n);
        bool[] correct = Enumerable.Range(0, n).Select(i => i >= errors).OrderBy(_ => random.Next()).ToArray();

        var tied = SelectiveClassification.Evaluate(Enumerable.Repeat(0.7, n).ToArray(), correct);
        Assert.All(tied.Risk, r => Assert.Equal(errors / (double)n, r, 12));

        var perfect = SelectiveClassification.Evaluate(correct.Select(c => c ? 1.0 + random.NextDouble() : random.NextDouble()).ToArray(), correct);
        double expected = Enumerable.Range(1, n).Sum(k => Math.Max(0, k - (n - errors)) / (double)k) / n;
        Assert.Equal(expected, perfect.AreaUnderCurve, 12);
        Assert.True(perfect.AreaUnderCurve <= tied.AreaUnderCurve);
    }
}
