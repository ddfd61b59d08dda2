using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Examples.PhaseTransition;

/// <summary>Where one size N's random-label curve drops, and what the theory predicts for it.</summary>
/// <param name="TrainingExamples">N.</param>
/// <param name="AccuracyAtSmallestBeta">Monte-Carlo train accuracy at the smallest β.</param>
/// <param name="AccuracyAtLargestBeta">… and at the largest.</param>
/// <param name="TransitionBeta">β*: where the accuracy crosses the midpoint of those two (interpolated in log β).</param>
/// <param name="BetaAt80">Where it first falls below 0.8.</param>
/// <param name="BetaAt30">Where it first falls below 0.3.</param>
/// <param name="DropDecades">log10(BetaAt30 / BetaAt80): the width of the drop in decades of β.</param>
/// <param name="MemorizingInformation">Ĩ(w;D)/N of the memorizing run (accuracy ≥ 0.9) with the largest β, nats per sample.</param>
/// <param name="PredictedBeta">log K / MemorizingInformation: the transition the information bound predicts (paper.md §4.3).</param>
public sealed record TransitionSummary(
    int TrainingExamples,
    double AccuracyAtSmallestBeta,
    double AccuracyAtLargestBeta,
    double TransitionBeta,
    double BetaAt80,
    double BetaAt30,
    double DropDecades,
    double MemorizingInformation,
    double PredictedBeta);

/// <summary>The checks the reproduction must pass, each with the numbers behind it.</summary>
public sealed record CriterionCheck(string Criterion, bool Holds, string Evidence);

public static class TransitionAnalysis
{
    public static TransitionSummary Summarize(int n, IReadOnlyList<SweepResult> points)
    {
        var sorted = points.OrderBy(p => p.Point.Beta).ToList();
        double first = sorted[0].TrainAccuracyMonteCarlo, last = sorted[^1].TrainAccuracyMonteCarlo;
        double midpoint = (first + last) / 2;
        var memorizing = sorted.Where(p => p.TrainAccuracyMonteCarlo >= 0.9).ToList();
        double cost = memorizing.Count == 0 ? double.NaN : memorizing[^1].InformationPerSample;
        double at80 = Crossing(sorted, 0.8), at30 = Crossing(sorted, 0.3);
        return new TransitionSummary(n, first, last, Crossing(sorted, midpoint), at80, at30, Math.Log10(at30 / at80), cost, Math.Log(10) / cost);
    }

    /// <summary>The β at which the accuracy first falls below <paramref name="level"/>, interpolated linearly in log β.</summary>
    public static double Crossing(IReadOnlyList<SweepResult> sorted, double level)
    {
        for (int i = 0; i + 1 < sorted.Count; i++)
        {
            double a = sorted[i].TrainAccuracyMonteCarlo, b = sorted[i + 1].TrainAccuracyMonteCarlo;
            if (a >= level && b < level)
            {
                double t = (a - level) / (a - b);
                double logBeta = Math.Log(sorted[i].Point.Beta) + t * (Math.Log(sorted[i + 1].Point.Beta) - Math.Log(sorted[i].Point.Beta));
                return Math.Exp(logBeta);
            }
        }

        return double.NaN;
    }

    public static IReadOnlyList<CriterionCheck> Check(IReadOnlyList<TransitionSummary> summaries)
    {
        var checks = new List<CriterionCheck>();
        foreach (var s in summaries)
        {
            checks.Add(new($"N = {s.TrainingExamples}: Monte-Carlo train accuracy ≥ 0.9 at the smallest β", s.AccuracyAtSmallestBeta >= 0.9, $"{s.AccuracyAtSmallestBeta:F3}"));
            checks.Add(new($"N = {s.TrainingExamples}: ≤ 0.2 at the largest β", s.AccuracyAtLargestBeta <= 0.2, $"{s.AccuracyAtLargestBeta:F3}"));
            checks.Add(new($"N = {s.TrainingExamples}: the drop from 0.8 to 0.3 spans at most one decade of β", s.DropDecades <= 1,
                $"0.8 at β = {s.BetaAt80:G3}, 0.3 at β = {s.BetaAt30:G3}: {s.DropDecades:F2} decades"));
            checks.Add(new($"N = {s.TrainingExamples}: β* ≤ 1", s.TransitionBeta <= 1, $"β* = {s.TransitionBeta:G3}"));
            double ratio = s.TransitionBeta / s.PredictedBeta;
            checks.Add(new($"N = {s.TrainingExamples}: β* within a factor 2 of log 10 / (Ĩ/N of memorizing)", ratio is >= 0.5 and <= 2,
                $"β* = {s.TransitionBeta:G3}, predicted {s.PredictedBeta:G3} = 2.303 / {s.MemorizingInformation:F2} nats; ratio {ratio:F2}"));
        }

        var smallest = summaries.MinBy(s => s.TrainingExamples)!;
        var largest = summaries.MaxBy(s => s.TrainingExamples)!;
        double sizeRatio = largest.TransitionBeta / smallest.TransitionBeta;
        checks.Add(new($"β* at N = {largest.TrainingExamples} within a factor 2 of β* at N = {smallest.TrainingExamples}", sizeRatio is >= 0.5 and <= 2,
            $"{largest.TransitionBeta:G3} / {smallest.TransitionBeta:G3} = {sizeRatio:F2}"));
        return checks;
    }
}
