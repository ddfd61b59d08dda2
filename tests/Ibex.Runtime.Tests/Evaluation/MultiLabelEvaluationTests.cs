using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;

namespace Ibex.Runtime.Tests.Evaluation;

public sealed class MultiLabelEvaluationTests
{
    [Fact]
    public void EachLabelsScoresAreTheirDefinitionsOnThatLabelAlone()
    {
        var random = new Random();
        for (int draw = 0; draw < 20; draw++)
        {
            int n = random.Next(2, 80), count = random.Next(1, 6);
            // Probabilities on a coarse grid give ties, including p = ½ exactly.
            var probabilities = Enumerable.Range(0, n).Select(_ => (IReadOnlyList<float>)Enumerable.Range(0, count).Select(_ => random.Next(0, 9) / 8f).ToArray()).ToArray();
            var labels = Enumerable.Range(0, n).Select(_ => (IReadOnlyList<bool>)Enumerable.Range(0, count).Select(_ => random.Next(3) == 0).ToArray()).ToArray();

            var scores = MultiLabelEvaluation.Evaluate(probabilities, labels);

            Assert.Equal(count, scores.Count);
            for (int j = 0; j < count; j++)
            {
                double[] p = probabilities.Select(row => (double)row[j]).ToArray();
                bool[] y = labels.Select(row => row[j]).ToArray();
                var label = scores[j];
                Assert.Equal(n, label.Examples);
                Assert.Equal(y.Count(v => v) / (double)n, label.Prevalence, tolerance: 1e-9);
                Assert.Equal(Enumerable.Range(0, n).Count(i => p[i] > 0.5 == y[i]) / (double)n, label.Accuracy, tolerance: 1e-9);
                Assert.Equal(-Enumerable.Range(0, n).Average(i => Math.Log(Math.Max(y[i] ? p[i] : 1 - p[i], 1e-12))), label.NegativeLogLikelihood, tolerance: 1e-9);
                Assert.Equal(Enumerable.Range(0, n).Average(i => Math.Pow(p[i] - (y[i] ? 1 : 0), 2)), label.BrierScore, tolerance: 1e-9);
                Assert.Equal(TopLabelCalibrationError(p, y), label.ExpectedCalibrationError, tolerance: 1e-9);

                var with = Enumerable.Range(0, n).Where(i => y[i]).Select(i => p[i]).ToArray();
                var without = Enumerable.Range(0, n).Where(i => !y[i]).Select(i => p[i]).ToArray();
                if (with.Length == 0 || without.Length == 0)
                {
                    Assert.True(double.IsNaN(label.AreaUnderRoc));
                }
                else
                {
                    double pairs = with.Sum(a => without.Sum(b => a > b ? 1.0 : a == b ? 0.5 : 0.0));
                    Assert.Equal(pairs / (with.Length * without.Length), label.AreaUnderRoc, tolerance: 1e-9);
                }
            }
        }
    }

    [Fact]
    public void ALabelThatIsPerfectlyRankedButOverconfidentScoresAurocOneAndAnHonestECE()
    {
        var random = new Random();
        int n = 400;
        var present = Enumerable.Range(0, n).Select(_ => random.Next(2) == 1).ToArray();
        // Label 0: every present example scores 0.9 + a little, every absent one 0.6: ranked perfectly, but 'absent' is
        // answered wrong at confidence 0.6, so ECE is about 0.6 of the absent share.
        var probabilities = present.Select(y => (IReadOnlyList<float>)new[] { y ? 0.9f + (float)random.NextDouble() * 0.1f : 0.6f }).ToArray();
        var labels = present.Select(y => (IReadOnlyList<bool>)new[] { y }).ToArray();

        var label = MultiLabelEvaluation.Evaluate(probabilities, labels).Single();

        double absent = present.Count(y => !y) / (double)n;
        Assert.Equal(1.0, label.AreaUnderRoc, tolerance: 1e-9);
        Assert.Equal(1 - absent, label.Accuracy, tolerance: 1e-9);
        Assert.True(Math.Abs(label.ExpectedCalibrationError - (absent * 0.6 + (1 - absent) * (1 - probabilities.Where((_, i) => present[i]).Average(r => r[0])))) < 1e-5,
            $"ECE {label.ExpectedCalibrationError}");
    }

    [Fact]
    public void MismatchedOrOutOfRangeInputIsNamed()
    {
        IReadOnlyList<float>[] two = { new[] { 0.2f, 0.7f }, new[] { 0.4f, 0.1f } };
        IReadOnlyList<bool>[] labels = { new[] { true, false }, new[] { false, false } };

        Assert.Contains("1 rows of labels", Assert.Throws<ArgumentException>(() => MultiLabelEvaluation.Evaluate(two, labels.Take(1).ToArray())).Message);
        Assert.Contains("Example 1 has 2 probabilities and 1 labels", Assert.Throws<ArgumentException>(() =>
            MultiLabelEvaluation.Evaluate(two, new IReadOnlyList<bool>[] { new[] { true, false }, new[] { true } })).Message);
        Assert.Contains("not logits", Assert.Throws<ArgumentException>(() =>
            MultiLabelEvaluation.Evaluate(new IReadOnlyList<float>[] { new[] { 0.2f, 1.7f }, new[] { 0.4f, float.NaN } }, labels)).Message);
        Assert.Contains("No examples", Assert.Throws<ArgumentException>(() =>
            MultiLabelEvaluation.Evaluate(Array.Empty<IReadOnlyList<float>>(), Array.Empty<IReadOnlyList<bool>>())).Message);
    }

    /// <summary>Σ over 15 equal-width bins of confidence max(p, 1 − p): (|B|/n)·|share right − mean confidence|.</summary>
    private static double TopLabelCalibrationError(double[] p, bool[] y)
    {
        var answers = p.Select((q, i) => (Confidence: Math.Max((double)(float)(1 - (float)q), q), Right: (q > 0.5) == y[i])).ToArray();
        return answers.GroupBy(a => Math.Clamp((int)Math.Ceiling(a.Confidence * 15) - 1, 0, 14))
            .Sum(bin => bin.Count() / (double)p.Length * Math.Abs(bin.Count(a => a.Right) / (double)bin.Count() - bin.Average(a => a.Confidence)));
    }
}
