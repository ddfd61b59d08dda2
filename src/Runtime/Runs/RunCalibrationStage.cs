using System;
using System.Linq;
using System.Threading;
using Ibex.Runtime.Data;
using Ibex.Runtime.Prediction;

namespace Ibex.Runtime.Runs
{
    /// <summary>The calibration stage of a run (<see cref="RunCalibration"/>): fits on the held-out examples, sets the network's calibration, measures on the test set.</summary>
    internal static class RunCalibrationStage
    {
        /// <summary>Refuses, before training, a calibration that cannot be: a multi-label network, a fraction or coverage out of range.</summary>
        public static void Check(NetworkDescription network, RunCalibration calibration)
        {
            if (network.Likelihood == Dsl.Likelihood.Bernoulli)
            {
                throw new ArgumentException($"{network.Name} is a multi-label network; calibration fits a classifier's temperature and sets or a regression network's intervals. Leave Calibration unset.", nameof(calibration));
            }

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
            if (network.Description.IsRegression)
            {
                predictor.CalibrateIntervals(heldOut, samples, options.Coverage, cancellationToken);
                if (test is not null)
                {
                    var predictions = predictor.PredictTargets(test, samples, cancellationToken);
                    int targets = network.Description.Targets;
                    double[] values = test.TargetValues();
                    int inside = 0;
                    double width = 0;
                    for (int i = 0; i < predictions.Count; i++)
                    {
                        for (int t = 0; t < targets; t++)
                        {
                            double y = values[i * targets + t];
                            inside += predictions[i].Lower[t] <= y && y <= predictions[i].Upper[t] ? 1 : 0;
                            width += predictions[i].Upper[t] - predictions[i].Lower[t];
                        }
                    }

                    coverage = inside / (double)(predictions.Count * targets);
                    size = width / (predictions.Count * targets);
                }
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
            return new CalibrationOutcome((int)heldOut.Count, predictor.Calibration!, before, after, coverage, size);
        }
    }
}
