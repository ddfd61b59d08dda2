using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;

namespace Ibex.Runtime.Tests.Evaluation;

/// <summary><see cref="ClassifierEvaluation.Evaluate"/> is its three parts, on fresh random classifiers.</summary>
public sealed class ClassifierEvaluationTests
{
    [Fact]
    public void OneCallGivesTheCalibrationTheRiskCoverageAndEveryOutOfDistributionScore()
    {
        var random = new Random();
        int n = random.Next(50, 400), classes = random.Next(2, 8);
        var probabilities = Enumerable.Range(0, n).Select(_ =>
        {
            var row = Enumerable.Range(0, classes).Select(_ => (float)random.NextDouble()).ToArray();
            float sum = row.Sum();
            return (IReadOnlyList<float>)row.Select(p => p / sum).ToArray();
        }).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => random.Next(classes)).ToArray();
        var inside = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var outside = Enumerable.Range(0, random.Next(20, 100)).Select(_ => random.NextDouble() + 0.3).ToArray();

        var scores = ClassifierEvaluation.Evaluate(probabilities, labels,
            new Dictionary<string, (IReadOnlyList<double>, IReadOnlyList<double>)> { ["entropy"] = (inside, outside) });

        Assert.Equal(Calibration.Evaluate(probabilities, labels), scores.Calibration, new CalibrationComparer());
        var confidence = probabilities.Select(p => (double)p.Max()).ToArray();
        var correct = probabilities.Select((p, i) => Array.IndexOf(p.ToArray(), p.Max()) == labels[i]).ToArray();
        Assert.Equal(SelectiveClassification.Evaluate(confidence, correct).AreaUnderCurve, scores.RiskCoverage.AreaUnderCurve, 12);
        Assert.Equal(OutOfDistribution.Evaluate(inside, outside), Assert.Single(scores.OutOfDistribution).Value);
        Assert.Empty(ClassifierEvaluation.Evaluate(probabilities, labels).OutOfDistribution);
    }

    private sealed class CalibrationComparer : IEqualityComparer<ClassificationCalibration>
    {
        public bool Equals(ClassificationCalibration? x, ClassificationCalibration? y)
            => x is not null && y is not null && x.Examples == y.Examples && x.Accuracy == y.Accuracy && x.NegativeLogLikelihood == y.NegativeLogLikelihood
                && x.BrierScore == y.BrierScore && x.ExpectedCalibrationError == y.ExpectedCalibrationError && x.AdaptiveCalibrationError == y.AdaptiveCalibrationError;

        public int GetHashCode(ClassificationCalibration obj) => obj.Examples;
    }
}
