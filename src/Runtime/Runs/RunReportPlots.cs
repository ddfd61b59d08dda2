using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Reports;
using Ibex.Runtime.Training;
using ScottPlot;

namespace Ibex.Runtime.Runs
{
    /// <summary>The plots of <c>report.html</c>, as SVG documents drawn by ScottPlot.</summary>
    internal static class RunReportPlots
    {
        private const int Width = 520;
        private const int Height = 340;
        private static readonly Color[] Palette = { Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6, Colors.C7, Colors.C8, Colors.C9 };

        /// <summary>Mean training loss, its data term (<paramref name="dataTerm"/>: the cross-entropy or another NLL) and its information term, (β/N)·Ĩ as the epoch's batches weighed it, per epoch.</summary>
        public static string LossTerms(IReadOnlyList<EpochReport> epochs, string dataTerm = "cross-entropy")
            => Lines("Loss terms", "nats", epochs, new (string, Func<EpochReport, double>)[]
            {
                ("loss", e => e.Loss),
                (dataTerm, e => e.CrossEntropy),
                ("(β/N)·Ĩ(w;D)", e => e.Loss - e.CrossEntropy),
            });

        /// <summary>Ĩ(w;D)/N per epoch.</summary>
        public static string Information(IReadOnlyList<EpochReport> epochs)
            => Lines("Information in the weights", "Ĩ(w;D)/N [nats per sample]", epochs, new (string, Func<EpochReport, double>)[] { ("Ĩ(w;D)/N", e => e.InformationPerSample) });

        /// <summary>Accuracy per split per epoch: the noisy training passes and the mean network on the test set.</summary>
        public static string Accuracy(IReadOnlyList<EpochReport> epochs)
        {
            var series = new List<(string, Func<EpochReport, double>)> { ("train (noisy, running)", e => e.TrainAccuracy) };
            if (epochs.Any(e => !double.IsNaN(e.TestAccuracy)))
            {
                series.Add(("test (mean network)", e => e.TestAccuracy));
            }

            return Lines("Accuracy", "accuracy", epochs, series);
        }

        /// <summary>Each stochastic layer's information in nats per epoch (epochs that recorded it).</summary>
        public static string LayerInformation(IReadOnlyList<EpochReport> epochs)
        {
            var recorded = epochs.Where(e => e.Layers.Count > 0).ToArray();
            var layers = recorded.SelectMany(e => e.Layers.Select(l => l.Layer)).Distinct().ToArray();
            var series = layers.Select(layer => (layer, (Func<EpochReport, double>)(e => e.Layers.FirstOrDefault(l => l.Layer == layer)?.InformationNats ?? double.NaN))).ToArray();
            return Lines("Information per layer", "nats", recorded, series);
        }

        /// <summary>The spread of one layer's log α at the end, with the pruning threshold as a dashed line.</summary>
        public static string LogAlpha(LogAlphaHistogram histogram)
        {
            var plot = new Plot();
            double width = (histogram.High - histogram.Low) / histogram.Counts.Count;
            var bars = histogram.Counts.Select((count, bin) => new Bar
            {
                Position = histogram.Low + width * (bin + 0.5),
                Value = count,
                Size = width,
                FillColor = Colors.C0,
                LineWidth = 0,
            }).ToList();
            plot.Add.Bars(bars);
            if (double.IsFinite(histogram.PruningThreshold))
            {
                var threshold = plot.Add.VerticalLine(histogram.PruningThreshold);
                threshold.LinePattern = LinePattern.Dashed;
                threshold.Color = Colors.C3;
                threshold.LineWidth = 2;
                threshold.LegendText = $"pruning threshold {ReportPage.Number(histogram.PruningThreshold, "F3")}";
                plot.ShowLegend(Alignment.UpperLeft);
            }

            plot.Axes.SetLimitsX(histogram.Low, histogram.High);
            plot.Axes.Margins(bottom: 0);
            plot.Title($"{histogram.Layer}: log α ({histogram.Weights:N0} weights)");
            plot.Axes.Bottom.Label.Text = "log α";
            plot.Axes.Left.Label.Text = "weights";
            return plot.GetSvgXml(Width, Height);
        }

        /// <summary>
        /// The reliability diagram: each confidence bin's accuracy as a bar over the bin, its mean confidence as a marker, and
        /// the diagonal a calibrated predictive would follow.
        /// </summary>
        public static string Reliability(Evaluation.ClassificationCalibration calibration)
        {
            var plot = new Plot();
            var filled = calibration.Reliability.Where(b => b.Count > 0).ToArray();
            plot.Add.Bars(filled.Select(b => new Bar
            {
                Position = (b.Lower + b.Upper) / 2,
                Value = b.Accuracy,
                Size = (b.Upper - b.Lower) * 0.9,
                FillColor = Colors.C0,
                LineWidth = 0,
            }).ToList());
            var confidence = plot.Add.ScatterPoints(filled.Select(b => (b.Lower + b.Upper) / 2).ToArray(), filled.Select(b => b.MeanConfidence).ToArray());
            confidence.Color = Colors.C1;
            confidence.MarkerSize = 6;
            confidence.LegendText = "mean confidence in the bin";
            CalibratedDiagonal(plot);
            plot.Title($"Reliability: ECE {ReportPage.Number(calibration.ExpectedCalibrationError, "F4")} over {calibration.Examples:N0} test examples");
            plot.Axes.Bottom.Label.Text = "confidence (top class's probability)";
            plot.Axes.Left.Label.Text = "accuracy";
            return plot.GetSvgXml(Width, Height);
        }

        /// <summary>The dashed diagonal a calibrated predictive follows, on the unit square, with the legend in its empty corner.</summary>
        private static void CalibratedDiagonal(Plot plot)
        {
            var diagonal = plot.Add.Line(0, 0, 1, 1);
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.Color = Colors.Gray;
            diagonal.LegendText = "calibrated";
            plot.ShowLegend(Alignment.UpperLeft);
            plot.Axes.SetLimits(0, 1, 0, 1);
        }

        /// <summary>
        /// A regression predictive's calibration curve: for each nominal level, the share of test targets inside the central
        /// Gaussian interval of that level, against the diagonal a calibrated predictive follows (Kuleshov et al. 2018).
        /// </summary>
        public static string IntervalCalibration(IReadOnlyList<Evaluation.RegressionCalibration> targets)
        {
            var plot = new Plot();
            for (int t = 0; t < targets.Count; t++)
            {
                var calibration = targets[t];
                var curve = plot.Add.Scatter(calibration.CalibrationCurve.Select(p => p.Nominal).ToArray(), calibration.CalibrationCurve.Select(p => p.Observed).ToArray());
                curve.Color = Palette[t % Palette.Length];
                curve.LineWidth = 2;
                curve.MarkerSize = 6;
                curve.LegendText = targets.Count == 1 ? "observed coverage" : $"target {t + 1}";
            }

            CalibratedDiagonal(plot);
            plot.Title(targets.Count == 1
                ? $"Interval calibration: 90% intervals cover {ReportPage.Number(targets[0].IntervalCoverage90, "F3")} of {targets[0].Examples:N0} test targets"
                : $"Interval calibration of {targets.Count} targets on {targets[0].Examples:N0} test examples");
            plot.Axes.Bottom.Label.Text = "nominal coverage of the central interval";
            plot.Axes.Left.Label.Text = "share of targets inside";
            return plot.GetSvgXml(Width, Height);
        }

        private static string Lines(string title, string yLabel, IReadOnlyList<EpochReport> epochs, IReadOnlyList<(string Label, Func<EpochReport, double> Value)> series)
        {
            var plot = new Plot();
            double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
            for (int i = 0; i < series.Count; i++)
            {
                var (label, value) = series[i];
                var line = plot.Add.Scatter(x, epochs.Select(value).ToArray());
                line.LegendText = label;
                line.Color = Palette[i % Palette.Length];
                line.LineWidth = 2;
                line.MarkerSize = x.Length > 40 ? 0 : 5;
            }

            plot.Title(title);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.Axes.Bottom.Label.Text = "epoch";
            plot.Axes.Left.Label.Text = yLabel;
            if (series.Count > 1)
            {
                plot.ShowLegend(Alignment.UpperRight);
            }

            return plot.GetSvgXml(Width, Height);
        }
    }
}
