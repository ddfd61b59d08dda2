using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace Ibex.Examples.PhaseTransition;

/// <summary>PNG plots of the sweep, with β on a log axis (ScottPlot has none, so positions are log10 β with β labels).</summary>
internal static class Plots
{
    private static readonly Color[] Palette = { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4 };

    public static void LogBeta(string path, string title, string yLabel, IReadOnlyList<(string Label, double[] Betas, double[] Values)> series,
        IReadOnlyList<(double Beta, string Label, int Series)> markers, (double Min, double Max)? yRange = null)
    {
        var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var (label, betas, values) = series[i];
            var line = plot.Add.Scatter(betas.Select(Math.Log10).ToArray(), values);
            line.LegendText = label;
            line.Color = Palette[i % Palette.Length];
            line.LineWidth = 2;
            line.MarkerSize = 6;
        }

        foreach (var (beta, label, index) in markers)
        {
            var vertical = plot.Add.VerticalLine(Math.Log10(beta));
            vertical.LinePattern = LinePattern.Dashed;
            vertical.Color = index < 0 ? Colors.Gray : Palette[index % Palette.Length];
            vertical.LegendText = label;
        }

        double min = Math.Floor(series.SelectMany(s => s.Betas).Min(Math.Log10));
        double max = Math.Ceiling(series.SelectMany(s => s.Betas).Max(Math.Log10));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (double decade = min; decade <= max; decade++)
        {
            ticks.AddMajor(decade, Math.Pow(10, decade).ToString("G4", System.Globalization.CultureInfo.InvariantCulture));
            foreach (int k in new[] { 2, 3, 5 })
            {
                if (decade + Math.Log10(k) < max)
                {
                    ticks.AddMinor(decade + Math.Log10(k));
                }
            }
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.Label.Text = "β (log scale)";
        plot.Axes.Left.Label.Text = yLabel;
        plot.Title(title);
        if (yRange is { } range)
        {
            plot.Axes.SetLimitsY(range.Min, range.Max);
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 560);
    }

    public static void Linear(string path, string title, string xLabel, string yLabel, double[] xs, double[] ys)
    {
        var plot = new Plot();
        var line = plot.Add.Scatter(xs, ys);
        line.LineWidth = 2;
        line.MarkerSize = 7;
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Title(title);
        plot.SavePng(path, 900, 560);
    }
}
