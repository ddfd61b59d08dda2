using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Ibex.Runtime.Data;
using Ibex.Runtime.Prediction;

namespace Ibex.Runtime.Runs
{
    /// <summary>The calibration stage of a run (<see cref="RunCalibration"/>): fits on the held-out examples, sets the network's calibration, measures on the test set.</summary>
    internal static class RunCalibrationStage
    {
        /// <summary>Refuses, before training, a calibration that cannot be: a fraction or coverage out of range.</summary>
        public static void Check(RunCalibration calibration)
        {
            if (!(calibration.HeldOutFraction > 0 && calibration.HeldOutFraction <= 0.5))
            {
                throw new ArgumentException($"Calibration.HeldOutFraction = {calibration.HeldOutFraction}; hold out a share in (0, 0.5] of the training examples, for example 0.1.", nameof(calibration));
            }

            if (!(calibration.Coverage > 0 && calibration.Coverage < 1))
            {
                throw new ArgumentException($"Calibration.Coverage = {calibration.Coverage}; give a coverage in (0, 1), for example 0.9.", nameof(calibration));
            }
        }

        public static CalibrationOutcome Calibrate<TNetwork>(TNetwork network, LabeledData heldOut, LabeledData? test, RunCalibration options, int samples, CancellationToken cancellationToken)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            using var predictor = new Predictor<TNetwork>(network);
            double before = double.NaN, after = double.NaN, coverage = double.NaN, size = double.NaN;
            double[]? coverages = null, widths = null;
            if (network.Description.IsRegression)
            {
                predictor.CalibrateIntervals(heldOut, samples, options.Coverage, cancellationToken);
                if (test is not null)
                {
                    var predictions = predictor.PredictTargets(test, samples, cancellationToken);
                    int targets = network.Description.Targets;
                    double[] values = test.TargetValues();
                    coverages = new double[targets];
                    widths = new double[targets];
                    for (int t = 0; t < targets; t++)
                    {
                        int target = t;
                        coverages[t] = predictions.Where((p, i) => p.Lower[target] <= values[i * targets + target] && values[i * targets + target] <= p.Upper[target]).Count() / (double)predictions.Count;
                        widths[t] = predictions.Average(p => p.Upper[target] - p.Lower[target]);
                    }

                    // Every target has as many values, so the pooled coverage is the targets' mean; widths in different
                    // units have no mean.
                    coverage = coverages.Average();
                    size = targets == 1 ? widths[0] : double.NaN;
                }
            }
            else if (network.Description.Likelihood == Dsl.Likelihood.Bernoulli)
            {
                // Label by label: the held-out ECE before and after, averaged over the labels.
                before = MeanExpectedCalibrationError(predictor.PredictLabels(heldOut, samples, cancellationToken), heldOut);
                predictor.CalibrateLabels(heldOut, samples, cancellationToken);
                after = MeanExpectedCalibrationError(predictor.PredictLabels(heldOut, samples, cancellationToken), heldOut);
            }
            else
            {
                var fit = predictor.Calibrate(heldOut, samples, options.Coverage, options.RandomizedSets, cancellationToken);
                (before, after) = (fit.Before.ExpectedCalibrationError, fit.After.ExpectedCalibrationError);
                if (test is not null)
                {
                    var predictions = predictor.PredictBatch(test, samples, cancellationToken);
                    int[] classes = test.ClassIndices();
                    coverage = predictions.Where((p, i) => p.PredictionSet!.Contains(classes[i])).Count() / (double)predictions.Count;
                    size = predictions.Average(p => p.PredictionSet!.Count);
                }
            }

            network.PredictionCalibration = predictor.Calibration;
            return new CalibrationOutcome((int)heldOut.Count, predictor.Calibration!, before, after, coverage, size)
            {
                TestCoverageByTarget = coverages,
                TestMeanWidthByTarget = widths,
            };
        }

        private static double MeanExpectedCalibrationError(IReadOnlyList<LabelPrediction> predictions, LabeledData data)
            => Evaluation.MultiLabelEvaluation.Evaluate(predictions.Select(p => p.Probabilities).ToArray(), data.PresentLabels()).Average(l => l.ExpectedCalibrationError);
    }
}
