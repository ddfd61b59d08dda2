using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ibex.Runtime;
using TorchSharp;

namespace Ibex.Examples.Uncertainty;

/// <summary>
/// A 1-D toy with a gap: 500 training inputs in [−4, −1.5] ∪ [1.5, 4], y = x·sin x + ε with ε ~ N(0, (0.15 + 0.1·|x|)²),
/// drawn anew with new initializations in each of several runs (mean ± standard error over the runs; the plots show run 1).
/// Each method's predictive on [−6, 6] is plotted with its aleatoric and total bands (±2σ); the number to compare is the
/// mean epistemic standard deviation in the gap (|x| &lt; 1.5) over that on the training inputs' range: above 1 when the
/// method knows it has seen nothing there; the same beyond the data (|x| &gt; 4.5) is the extrapolation's. As a check of
/// what limits the weight noise, the deterministic and Ibex networks are also given a <see cref="LastLayerLaplace"/>
/// posterior (rows <c>…+last-layer-laplace</c>, and <c>…+noise+last-layer-laplace</c> with the noise's variance added).
/// </summary>
internal static class GapToyEvidence
{
    public const string Dataset = "toy-gap";

    public static IReadOnlyList<ResultRow> Run(int epochs, int samples, int runs, string imageFolder, Action<string> log)
    {
        double[] grid = Enumerable.Range(0, 241).Select(i => -6 + i * 0.05).ToArray();
        using var gridInputs = torch.tensor(grid.Select(g => (float)g).ToArray(), new long[] { grid.Length, 1 });
        var gap = grid.Select((g, i) => (g, i)).Where(p => Math.Abs(p.g) < 1.5).Select(p => p.i).ToArray();
        var seen = grid.Select((g, i) => (g, i)).Where(p => Math.Abs(p.g) >= 1.5 && Math.Abs(p.g) <= 4).Select(p => p.i).ToArray();
        var beyond = grid.Select((g, i) => (g, i)).Where(p => Math.Abs(p.g) > 4.5).Select(p => p.i).ToArray();
        Directory.CreateDirectory(imageFolder);

        var measured = new RepeatedMeasurements();

        for (int run = 0; run < runs; run++)
        {
            // Run 0 is the data and the seeds the plots show; every later run draws new data and new initializations.
            var (xs, ys) = Draw(new Random(5 + run));
            using var train = RegressionData.Standardized(xs, ys);
            long offset = 1000L * run;
            const int batch = 50;
            (IRegressorMethod, LastLayerLaplace?) Plain(string name, IReadOnlyList<PlainToy> members, bool laplace)
                => (new SampledRegressor(name, members, 0), laplace ? LastLayerLaplace.Fit(members[0], train) : null);
            (IRegressorMethod, LastLayerLaplace?) Ibex<TNetwork>(string name, long seed, double? beta = null)
                where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>, IToyNetwork
            {
                var network = Training.Fit<TNetwork>(train, epochs, batch, offset + seed, beta).Network;
                return (new IbexRegressor<TNetwork>(name, network, samples), LastLayerLaplace.Fit(network, train));
            }

            var methods = new List<Func<(IRegressorMethod Method, LastLayerLaplace? Laplace)>>
            {
                () => Plain("deterministic", new[] { Training.Fit<PlainToy>(train, epochs, batch, offset + 1).Network }, laplace: true),
                () => (new SampledRegressor("mc-dropout", new InformationNetwork[] { Training.Fit<DropoutToy>(train, epochs, batch, offset + 2).Network }, samples), null),
                () => Plain("deep-ensemble-5", Enumerable.Range(0, 5).Select(m => Training.Fit<PlainToy>(train, epochs, batch, offset + 100 + m).Network).ToArray(), laplace: false),
                () => Ibex<LogNormalToy>("ibex-lognormal", 3),
                () => Ibex<GaussianToy>("ibex-gaussian", 4),
                () => Ibex<LogNormalToy>("ibex-lognormal-beta1", 3, beta: 1),
                () => Ibex<GaussianToy>("ibex-gaussian-beta1", 4, beta: 1),
            };

            var curves = new List<(string Name, double[] StandardDeviation)>();
            void Report(string name, TargetPredictive predictive)
            {
                double inGap = gap.Average(i => Math.Sqrt(predictive.Epistemic[i])), onData = seen.Average(i => Math.Sqrt(predictive.Epistemic[i]));
                double outside = beyond.Average(i => Math.Sqrt(predictive.Epistemic[i]));
                measured.Record(name, "epistemic_sd_gap", inGap);
                measured.Record(name, "epistemic_sd_data", onData);
                measured.Record(name, "epistemic_gap_ratio", onData > 0 ? inGap / onData : double.NaN);
                measured.Record(name, "epistemic_sd_beyond", outside);
                measured.Record(name, "epistemic_beyond_ratio", onData > 0 ? outside / onData : double.NaN);
                log($"toy run {run + 1}/{runs}: {name} epistemic σ in the gap {inGap:F3}, on the data {onData:F3}, beyond |x| = 4.5 {outside:F3}");
                if (run == 0)
                {
                    curves.Add((name, predictive.Epistemic.Select(Math.Sqrt).ToArray()));
                    Plot(Path.Combine(imageFolder, $"toy-gap-{name}.png"), name, grid, predictive, xs, ys);
                }
            }

            foreach (var build in methods)
            {
                var (method, laplace) = build();
                using var owned = method;
                var predictive = method.Predict(gridInputs);
                Report(method.Name, predictive);
                if (laplace is not null)
                {
                    var correlated = laplace.EpistemicVariance(gridInputs);
                    Report(method.Name + "+last-layer-laplace", predictive with { Epistemic = correlated });
                    if (predictive.Epistemic.Any(v => v > 0))
                    {
                        Report(method.Name + "+noise+last-layer-laplace", predictive with { Epistemic = correlated.Zip(predictive.Epistemic, (a, b) => a + b).ToArray() });
                    }
                }
            }

            if (run == 0)
            {
                PlotEpistemic(Path.Combine(imageFolder, "toy-gap-epistemic.png"), grid, curves.Where(c => c.StandardDeviation.Any(v => v > 0) && !c.Name.Contains("+noise+", StringComparison.Ordinal) && !c.Name.Contains("beta1+", StringComparison.Ordinal)).ToList());
            }
        }

        return measured.Rows(Dataset);
    }

    /// <summary>500 inputs, alternating sides of the gap, and their noisy targets.</summary>
    private static (float[][] Inputs, float[] Targets) Draw(Random random)
    {
        var xs = new float[500][];
        var ys = new float[500];
        for (int i = 0; i < xs.Length; i++)
        {
            double x = (1.5 + random.NextDouble() * 2.5) * (i % 2 == 0 ? 1 : -1);
            double sigma = 0.15 + 0.1 * Math.Abs(x);
            xs[i] = new[] { (float)x };
            ys[i] = (float)(x * Math.Sin(x) + sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return (xs, ys);
    }

    /// <summary>Each method's epistemic standard deviation against x, on a log scale, with the gap shaded.</summary>
    private static void PlotEpistemic(string path, double[] grid, IReadOnlyList<(string Name, double[] StandardDeviation)> curves)
    {
        var plot = new ScottPlot.Plot();
        var gap = plot.Add.HorizontalSpan(-1.5, 1.5);
        gap.FillStyle.Color = ScottPlot.Colors.Gray.WithAlpha(0.2);
        gap.LegendText = "gap: no training data";
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < curves.Count; i++)
        {
            var (name, deviation) = curves[i];
            var line = plot.Add.ScatterLine(grid, deviation.Select(d => Math.Log10(Math.Max(d, 1e-4))).ToArray());
            line.Color = palette.GetColor(i);
            line.LineWidth = 2;
            line.LinePattern = name.Contains("laplace", StringComparison.Ordinal) ? ScottPlot.LinePattern.Dashed : ScottPlot.LinePattern.Solid;
            line.LegendText = name;
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Axes.SetLimits(-6, 6, -2.5, 1.5);
        plot.Title("epistemic σ(x): the spread of the predicted mean (dashed: last-layer Laplace)");
        plot.XLabel("x");
        plot.YLabel("epistemic σ (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.UpperCenter);
        plot.SavePng(path, 900, 520);
    }

    private static void Plot(string path, string name, double[] grid, TargetPredictive predictive, float[][] xs, float[] ys)
    {
        var plot = new ScottPlot.Plot();
        double[] total = predictive.Mean.Select((m, i) => 2 * predictive.StandardDeviation(i)).ToArray();
        double[] aleatoric = predictive.Aleatoric.Select(a => 2 * Math.Sqrt(a)).ToArray();
        var totalBand = plot.Add.FillY(grid, predictive.Mean.Select((m, i) => m - total[i]).ToArray(), predictive.Mean.Select((m, i) => m + total[i]).ToArray());
        totalBand.FillColor = ScottPlot.Colors.OrangeRed.WithAlpha(0.35);
        totalBand.LegendText = "±2σ total (aleatoric + epistemic)";
        var noiseBand = plot.Add.FillY(grid, predictive.Mean.Select((m, i) => m - aleatoric[i]).ToArray(), predictive.Mean.Select((m, i) => m + aleatoric[i]).ToArray());
        noiseBand.FillColor = ScottPlot.Colors.SteelBlue.WithAlpha(0.45);
        noiseBand.LegendText = "±2σ aleatoric";
        var points = plot.Add.ScatterPoints(xs.Select(x => (double)x[0]).ToArray(), ys.Select(y => (double)y).ToArray());
        points.MarkerSize = 3;
        points.Color = ScottPlot.Colors.Black.WithAlpha(0.5);
        points.LegendText = "training data";
        var mean = plot.Add.ScatterLine(grid, predictive.Mean);
        mean.Color = ScottPlot.Colors.Black;
        mean.LineWidth = 2;
        mean.LegendText = "predictive mean";
        var truth = plot.Add.ScatterLine(grid, grid.Select(x => x * Math.Sin(x)).ToArray());
        truth.Color = ScottPlot.Colors.Gray;
        truth.LinePattern = ScottPlot.LinePattern.Dashed;
        truth.LegendText = "x·sin x";
        plot.Axes.SetLimits(-6, 6, -10, 10);
        plot.Title($"{name}: no training data for |x| < 1.5");
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend(ScottPlot.Alignment.UpperCenter);
        plot.SavePng(path, 800, 480);
    }
}
