using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Likelihoods;
using TorchSharp;

namespace Ibex.Runtime.Prediction
{
    public sealed partial class Predictor<TNetwork>
    {
        /// <summary>The Gaussian quantile of a central 90% interval, Φ⁻¹(0.95).</summary>
        private const double Gaussian90 = 1.6448536269514722;

        /// <summary>Predicts a regression network's targets for one array of features per example (<see cref="TargetPrediction"/>).</summary>
        /// <param name="examples">One array of <see cref="NetworkDescription.InputFeatures"/> raw features per example.</param>
        /// <param name="samples">Monte-Carlo weight samples S; 0 for the mean network alone (no epistemic variance).</param>
        /// <exception cref="InvalidOperationException">The network is no regression network.</exception>
        public IReadOnlyList<TargetPrediction> PredictTargets(float[][] examples, int samples)
        {
            ArgumentNullException.ThrowIfNull(examples);
            using var batch = PredictionInputs.FromRows(examples, Description);
            return RunTargets(batch, samples, standardized: false, default);
        }

        /// <summary>Predicts a regression network's targets for the examples of a tensor, flat or shaped as declared.</summary>
        public IReadOnlyList<TargetPrediction> PredictTargets(torch.Tensor inputs, int samples)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            using var batch = PredictionInputs.FromTensor(inputs, Description);
            return RunTargets(batch, samples, standardized: false, default);
        }

        /// <summary>
        /// Predicts a regression network's targets for every example of <paramref name="data"/> (its targets are not read);
        /// raw features are standardized as the training data's were, features standardized with the network's statistics are
        /// taken as they are.
        /// </summary>
        public IReadOnlyList<TargetPrediction> PredictTargets(Data.LabeledData data, int samples, System.Threading.CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(data);
            bool prepared = IsStandardized(data);
            using var batch = PredictionInputs.FromTensor(data.Features, Description);
            return RunTargets(batch, samples, prepared, cancellationToken);
        }

        /// <summary>
        /// Calibrates split-conformal intervals on held-out examples, each target on its own: q̂_t is the conformal quantile
        /// of the normalized residuals <c>|y_t − μ̄_t| / σ_t</c> over the examples of <paramref name="validation"/> (σ_t the
        /// predictive standard deviation with <paramref name="samples"/> weight samples), so that <c>μ̄_t ± q̂_t·σ_t</c> holds
        /// a new example's target t with probability at least <paramref name="coverage"/> (Angelopoulos &amp; Bates 2021,
        /// §2.3). One quantile for all targets would only promise the coverage on average over them: a target whose σ is too
        /// small would be covered less, and one whose σ is too large more. Returns one calibration per target. Every later
        /// <see cref="PredictTargets(float[][], int)"/> gives these intervals; <see cref="Save"/> keeps q̂ with the weights.
        /// Predict with the same S. The validation targets may be raw or standardized with the network's own statistics.
        /// </summary>
        /// <exception cref="ArgumentException">The data does not fit the network, or there are too few examples for
        /// <paramref name="coverage"/> (the message says how many it needs).</exception>
        public IReadOnlyList<Evaluation.ConformalRegressor> CalibrateIntervals(Data.LabeledData validation, int samples, double coverage = 0.9,
            System.Threading.CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(validation);
            RequireLikelihood(Dsl.Likelihood.Gaussian);
            validation.Validate(Description, "calibration data");
            var predictions = PredictTargets(validation, samples, cancellationToken);
            var targets = RawTargets(validation);
            var conformal = new Evaluation.ConformalRegressor[Description.Targets];
            for (int t = 0; t < conformal.Length; t++)
            {
                var (means, deviations, observed) = TargetPrediction.Column(predictions, targets, t);
                conformal[t] = Evaluation.ConformalRegressor.Calibrate(means, deviations, observed, coverage);
            }

            lock (gate)
            {
                var current = network.PredictionCalibration ?? new PredictionCalibration(1.0, Samples: samples);
                network.PredictionCalibration = current with { IntervalQuantiles = conformal.Select(c => c.Quantile).ToArray(), IntervalCoverage = coverage, Samples = samples };
            }

            return conformal;
        }

        /// <summary>The targets of <paramref name="data"/> in their own units, example by example and target by target.</summary>
        private double[] RawTargets(Data.LabeledData data)
        {
            if (data.TargetsStandardizedWith is { } given && !Equals(given, network.TargetStandardization))
            {
                throw new ArgumentException($"The data's targets are standardized with other statistics than {Description.Name} was trained with; pass the raw targets.", nameof(data));
            }

            return data.TargetValues();
        }

        private TargetPrediction[] RunTargets(torch.Tensor batch, int samples, bool standardized, System.Threading.CancellationToken cancellationToken)
            => Predicting(batch, samples, standardized, Dsl.Likelihood.Gaussian, inputs =>
            {
                long count = inputs.shape[0];
                int targets = Description.Targets;
                using var meanSums = torch.zeros(count, targets, dtype: torch.float64);
                using var squareSums = torch.zeros(count, targets, dtype: torch.float64);
                using var varianceSums = torch.zeros(count, targets, dtype: torch.float64);
                ForEachOutput(inputs, samples, cancellationToken, (start, outputs) =>
                {
                    var (sampleMean, sampleLogVariance) = NegativeLogLikelihood.GaussianParameters(network, outputs);
                    var sampled = sampleMean.to(torch.float64, torch.CPU);
                    long size = sampled.shape[0];
                    meanSums.narrow(0, start, size).add_(sampled);
                    squareSums.narrow(0, start, size).add_(sampled.square());
                    varianceSums.narrow(0, start, size).add_(sampleLogVariance.to(torch.float64, torch.CPU).exp().expand(size, targets));
                });

                int draws = Math.Max(samples, 1);
                using var mean = meanSums.div(draws);
                using var epistemic = samples == 0 ? torch.zeros_like(mean) : squareSums.div(draws).sub_(mean.square()).clamp_min_(0);
                using var aleatoric = varianceSums.div(draws);
                double[] means = mean.contiguous().data<double>().ToArray();
                double[] epistemics = epistemic.contiguous().data<double>().ToArray();
                double[] aleatorics = aleatoric.contiguous().data<double>().ToArray();
                var calibration = network.PredictionCalibration;
                var quantiles = calibration?.IntervalQuantiles;
                double coverage = calibration?.IntervalCoverage ?? 0.9;
                bool conformal = quantiles is not null;
                var scaling = network.TargetStandardization;
                var predictions = new TargetPrediction[count];
                for (long i = 0; i < count; i++)
                {
                    var mu = new double[targets];
                    var aleatoricRow = new double[targets];
                    var epistemicRow = new double[targets];
                    var lower = new double[targets];
                    var upper = new double[targets];
                    for (int t = 0; t < targets; t++)
                    {
                        long at = i * targets + t;
                        double m = means[at], half = (quantiles?[t] ?? Gaussian90) * Math.Sqrt(aleatorics[at] + epistemics[at]);
                        (mu[t], aleatoricRow[t], epistemicRow[t], lower[t], upper[t]) = scaling is null
                            ? (m, aleatorics[at], epistemics[at], m - half, m + half)
                            : (scaling.Unstandardize(t, m), scaling.UnstandardizeVariance(t, aleatorics[at]), scaling.UnstandardizeVariance(t, epistemics[at]),
                                scaling.Unstandardize(t, m - half), scaling.Unstandardize(t, m + half));
                    }

                    predictions[i] = new TargetPrediction(mu, aleatoricRow, epistemicRow, lower, upper, coverage, conformal, samples);
                }

                return predictions;
            });

    }
}
