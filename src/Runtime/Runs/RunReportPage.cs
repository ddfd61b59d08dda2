using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// <c>report.html</c>: the run report as a page a user opens after the run. Loss terms, Ĩ(w;D)/N and accuracy per epoch,
    /// information per layer over time, log α histograms per layer with the pruning threshold, the compression summary when
    /// the run pruned, the final evaluation, the settings and the fingerprint.
    /// </summary>
    internal static class RunReportPage
    {
        public static ReportPage Build(RunReport report)
        {
            var page = new ReportPage($"{report.Network}: Ibex run report");
            page.Paragraph($"Trained on {report.DataSource} ({report.TrainingExamples:N0} examples) on {report.Device}, β = {ReportPage.Number(report.Beta)}, " +
                           $"{report.Epochs.Count} epochs. Ĩ(w;D) = {ReportPage.Number(report.InformationNats, "N1")} nats, " +
                           $"{ReportPage.Number(report.InformationPerSample, "G4")} nats per training example. Fingerprint {report.Fingerprint}, declaration {report.DeclarationHash}.");

            page.Heading("Final evaluation");
            var final = report.Final;
            page.Table(new[] { "measure", "value" }, new[]
            {
                Row("test accuracy, mean network", ReportPage.Number(final.TestMeanNetwork, "F4")),
                Row($"test accuracy, Monte-Carlo predictive (S = {final.MonteCarloSamples})", ReportPage.Number(final.TestMonteCarlo, "F4")),
                Row("train accuracy, mean network", ReportPage.Number(final.TrainMeanNetwork, "F4")),
                Row("mean predictive entropy on the test set [nats]", ReportPage.Number(final.TestPredictiveEntropy, "F4")),
                Row("mean mutual information with the weights on the test set [nats]", ReportPage.Number(final.TestMutualInformation, "F4")),
                Row("predictive's NLL on the test set [nats]", ReportPage.Number(final.TestCalibration?.NegativeLogLikelihood ?? double.NaN, "F4")),
                Row("predictive's Brier score on the test set", ReportPage.Number(final.TestCalibration?.BrierScore ?? double.NaN, "F4")),
                Row($"predictive's ECE on the test set ({Evaluation.Calibration.DefaultBins} bins)", ReportPage.Number(final.TestCalibration?.ExpectedCalibrationError ?? double.NaN, "F4")),
                Row("predictive's risk–coverage area (AURC) on the test set", ReportPage.Number(final.TestAreaUnderRiskCoverage, "F4")),
            });

            if (report.Calibration is { } calibrated)
            {
                var fitted = calibrated.Calibration;
                string eceChange = $"{ReportPage.Number(calibrated.HeldOutExpectedCalibrationErrorBefore, "F4")} → {ReportPage.Number(calibrated.HeldOutExpectedCalibrationErrorAfter, "F4")}";
                var rows = new List<IReadOnlyList<string>>();
                if (fitted.LabelTemperatures is { } temperatures)
                {
                    // A multi-label network's calibration is its probabilities alone: no sets or intervals to cover anything.
                    rows.AddRange(temperatures.Select((t, j) => Row($"label {j + 1}: temperature T", ReportPage.Number(t, "F4"))));
                    rows.Add(Row("held-out ECE before → after temperature scaling, mean over labels", eceChange));
                }
                else
                {
                    rows.Add(Row("temperature T", ReportPage.Number(fitted.Temperature, "F4")));
                    rows.Add(Row("held-out ECE before → after temperature scaling", eceChange));
                    rows.Add(Row($"nominal coverage of prediction {(fitted.IntervalQuantiles is null ? "sets" : "intervals")}", ReportPage.Number(fitted.IntervalCoverage ?? fitted.SetCoverage ?? double.NaN, "F3")));
                    if (calibrated.TestCoverageByTarget is { Count: > 1 } coverages && calibrated.TestMeanWidthByTarget is { } widths)
                    {
                        for (int t = 0; t < coverages.Count; t++)
                        {
                            rows.Add(Row($"target {t + 1}: coverage on the test set", ReportPage.Number(coverages[t], "F4")));
                            rows.Add(Row($"target {t + 1}: mean interval width on the test set", ReportPage.Number(widths[t], "G5")));
                        }
                    }
                    else
                    {
                        rows.Add(Row("coverage on the test set", ReportPage.Number(calibrated.TestCoverage, "F4")));
                        rows.Add(Row(fitted.IntervalQuantiles is null ? "mean set size on the test set [classes]" : "mean interval width on the test set", ReportPage.Number(calibrated.TestMeanSize, "G5")));
                    }
                }

                page.Table(new[] { $"calibration on {calibrated.HeldOutExamples} held-out training examples", "value" }, rows);
            }

            if (final.TestRegression is { Count: > 0 } regression)
            {
                var header = new List<string> { "regression on the test set, in each target's units" };
                header.AddRange(regression.Count == 1 ? new[] { "value" } : regression.Select((_, t) => $"target {t + 1}"));
                IReadOnlyList<string> PerTarget(string label, System.Func<Evaluation.RegressionCalibration, string> value) => regression.Select(value).Prepend(label).ToArray();
                page.Table(header, new[]
                {
                    PerTarget("RMSE", r => ReportPage.Number(r.RootMeanSquaredError, "G5")),
                    PerTarget("Gaussian NLL [nats]", r => ReportPage.Number(r.NegativeLogLikelihood, "F4")),
                    PerTarget("coverage of the 90% interval", r => ReportPage.Number(r.IntervalCoverage90, "F4")),
                    PerTarget("mean width of the 90% interval", r => ReportPage.Number(r.IntervalWidth90, "G5")),
                });
                page.Svg("Interval calibration on the test set", RunReportPlots.IntervalCalibration(regression));
            }

            if (final.TestLabels is { Count: > 0 } labels)
            {
                var rows = labels.Select((l, j) => Row($"label {j + 1}", ReportPage.Number(l.Prevalence, "F4"), ReportPage.Number(l.Accuracy, "F4"),
                    ReportPage.Number(l.NegativeLogLikelihood, "F4"), ReportPage.Number(l.BrierScore, "F4"), ReportPage.Number(l.ExpectedCalibrationError, "F4"),
                    ReportPage.Number(l.AreaUnderRoc, "F4"))).ToList();
                // Macro averages: every label counts once, however rare; AUROC over the labels that have one.
                var ranked = labels.Where(l => !double.IsNaN(l.AreaUnderRoc)).ToArray();
                rows.Add(Row("mean over labels", ReportPage.Number(labels.Average(l => l.Prevalence), "F4"), ReportPage.Number(labels.Average(l => l.Accuracy), "F4"),
                    ReportPage.Number(labels.Average(l => l.NegativeLogLikelihood), "F4"), ReportPage.Number(labels.Average(l => l.BrierScore), "F4"),
                    ReportPage.Number(labels.Average(l => l.ExpectedCalibrationError), "F4"), ReportPage.Number(ranked.Length == 0 ? double.NaN : ranked.Average(l => l.AreaUnderRoc), "F4")));
                page.Table(new[] { $"multi-label predictive on the test set (S = {final.MonteCarloSamples})", "prevalence", "accuracy", "cross-entropy [nats]", "Brier score",
                    $"ECE ({Evaluation.Calibration.DefaultBins} bins)", "AUROC" }, rows);
            }

            if (final.TestCalibration is { } calibration)
            {
                page.Svg("Reliability of the Monte-Carlo predictive on the test set", RunReportPlots.Reliability(calibration));
            }

            if (report.Epochs.Count > 0)
            {
                page.Heading("Training");
                page.Svg("Loss terms per epoch", RunReportPlots.LossTerms(report.Epochs, Likelihoods.DataTerm.Label(report.Likelihood)));
                page.Svg("Ĩ(w;D)/N per epoch", RunReportPlots.Information(report.Epochs));
                page.Svg("Accuracy per split", RunReportPlots.Accuracy(report.Epochs));
                if (report.Epochs.Any(e => e.Layers.Count > 0))
                {
                    page.Svg("Information per layer over time", RunReportPlots.LayerInformation(report.Epochs));
                }

                page.Table(new[] { "epoch", "loss", Likelihoods.DataTerm.Label(report.Likelihood), "Ĩ(w;D)/N", "train acc", "test acc", "learning rate", "examples/s", "seconds" },
                    report.Epochs.Select(e => Row(e.Epoch.ToString(CultureInfo.InvariantCulture), ReportPage.Number(e.Loss, "F4"), ReportPage.Number(e.CrossEntropy, "F4"),
                        ReportPage.Number(e.InformationPerSample, "F4"), ReportPage.Number(e.TrainAccuracy, "F4"), ReportPage.Number(e.TestAccuracy, "F4"),
                        ReportPage.Number(e.LearningRate, "G3"), ReportPage.Number(e.ExamplesPerSecond, "N0"), ReportPage.Number(e.Seconds, "F1"))));
            }

            page.Heading("Layers");
            page.Table(new[] { "layer", "weights", "nats", "bits", "mean log α", "at the cap" },
                report.Layers.Select(l => Row(l.Layer, l.Weights.ToString("N0", CultureInfo.InvariantCulture), ReportPage.Number(l.InformationNats, "N1"),
                    ReportPage.Number(l.InformationBits, "N1"), ReportPage.Number(l.MeanLogAlpha, "F3"), ReportPage.Number(l.FractionAtCap, "P1"))));
            foreach (var histogram in report.LogAlpha)
            {
                page.Svg($"log α of {histogram.Layer}, pruning threshold dashed", RunReportPlots.LogAlpha(histogram));
            }

            if (report.Pruning is { } pruning)
            {
                var pruned = pruning.Report;
                page.Heading("Compression");
                page.Paragraph($"Kept {pruned.KeptWeights:N0} of {pruned.Weights:N0} weights ({ReportPage.Number(pruned.CompressionRatio, "F1")}× fewer), " +
                               $"{ReportPage.Number(pruned.KeptNats, "N0")} of {ReportPage.Number(pruned.Nats, "N0")} nats, multiply-adds {pruned.KeptMultiplyAdds:N0} of {pruned.MultiplyAdds:N0}; " +
                               $"test accuracy of the pruned mean network {ReportPage.Number(pruning.TestMeanNetwork, "F4")} after {pruning.FineTuneEpochs} fine-tuning epochs." +
                               (pruned.RemovedUnits.Count > 0 ? $" Removed units: {string.Join(", ", pruned.RemovedUnits)}." : ""));
                page.Table(new[] { "layer", "threshold", "weights", "kept", "fewer", "units kept", "nats kept" },
                    pruned.Layers.Select(l => Row(l.Layer, ReportPage.Number(l.Threshold, "F3"), l.Weights.ToString("N0", CultureInfo.InvariantCulture),
                        l.KeptWeights.ToString("N0", CultureInfo.InvariantCulture), ReportPage.Number(l.CompressionRatio, "F1") + "×", $"{l.KeptUnits}/{l.Units}",
                        $"{ReportPage.Number(l.KeptNats, "N0")} of {ReportPage.Number(l.Nats, "N0")}")));
            }

            page.Heading("Settings");
            var settings = report.Settings;
            page.Table(new[] { "setting", "value" }, new[]
            {
                Row("epochs", settings.Epochs.ToString(CultureInfo.InvariantCulture)),
                Row("batch size", settings.BatchSize.ToString(CultureInfo.InvariantCulture)),
                Row("optimizer", settings.Optimizer.ToString()),
                Row("learning rate", ReportPage.Number(settings.LearningRate)),
                Row("log α learning rate", ReportPage.Number(settings.LogAlphaLearningRate)),
                Row("schedule", settings.Schedule.ToString()),
                Row("β warm-up epochs", settings.BetaWarmupEpochs.ToString(CultureInfo.InvariantCulture)),
                Row("seed", settings.Seed.ToString(CultureInfo.InvariantCulture)),
                Row("β", ReportPage.Number(report.Beta)),
                Row("fingerprint", report.Fingerprint),
            });
            foreach (var segment in report.Segments.Skip(1))
            {
                page.Paragraph($"Resumed at epoch {segment.Epoch}, batch {segment.Batch}, with changes: " +
                               string.Join("; ", segment.Changes.Select(c => $"{c.Name} {c.Checkpoint} → {c.Now}")) + ".");
            }

            return page;
        }

        public static string Render(RunReport report) => Build(report).ToHtml();

        private static IReadOnlyList<string> Row(params string[] cells) => cells;
    }
}
