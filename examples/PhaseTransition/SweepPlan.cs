using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Ibex.Examples.PhaseTransition;

/// <summary>The three measurements of the reproduction and the points each one trains.</summary>
public static class SweepPlan
{
    /// <summary>Random labels: β on a log grid from 0.01 to 10, dense around the transition, at three sizes N.</summary>
    public const string Transition = "transition";

    /// <summary>The cost of memorizing: a fixed β below the transition, the fraction of random labels from 0 to 1.</summary>
    public const string Cost = "cost";

    /// <summary>Clean labels: test accuracy against β.</summary>
    public const string Real = "real";

    public static readonly double[] Betas = { 0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1, 0.14, 0.2, 0.3, 0.5, 0.7, 1, 3, 10 };
    public static readonly int[] Sizes = { 250, 500, 1000 };
    public const int CostSize = 500;
    public const double CostBeta = 0.01;
    public static readonly double[] CostFractions = { 0, 0.25, 0.5, 0.75, 1 };
    public const int RealSize = 1000;
    public static readonly double[] RealBetas = { 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10 };
    public const long Seed = 3;

    /// <summary>The quick mode (synthetic Gaussian inputs): one N, a few β.</summary>
    public static readonly double[] QuickBetas = { 0.01, 0.1, 1, 10 };
    public const int QuickSize = 200;

    public static IReadOnlyList<(string Grid, SweepPoint Point)> Points(bool quick)
    {
        if (quick)
        {
            return QuickBetas.Select(beta => (Transition, new SweepPoint(beta, QuickSize, 1.0, Seed))).ToList();
        }

        var points = new List<(string, SweepPoint)>();
        points.AddRange(Sizes.SelectMany(n => Betas.Select(beta => (Transition, new SweepPoint(beta, n, 1.0, Seed)))));
        points.AddRange(CostFractions.Select(fraction => (Cost, new SweepPoint(CostBeta, CostSize, fraction, Seed))));
        points.AddRange(RealBetas.Select(beta => (Real, new SweepPoint(beta, RealSize, 0.0, Seed))));
        return points;
    }

    /// <summary>The point's result file name: the same point always maps to the same file.</summary>
    public static string FileName(string grid, SweepPoint point)
        => string.Create(CultureInfo.InvariantCulture, $"{grid}-N{point.TrainingExamples}-random{point.RandomLabelFraction:0.##}-beta{point.Beta:0.####}-seed{point.Seed}.json");
}
