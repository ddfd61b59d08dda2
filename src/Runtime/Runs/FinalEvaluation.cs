using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Ibex.Runtime.Data;
using Ibex.Runtime.Evaluation;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>The accuracies a run reports once trained: the mean network on both sets and the Monte-Carlo predictive on the test set.</summary>
    internal static class FinalEvaluation
    {
        /// <summary>The final accuracies; null when a stop request came during the Monte-Carlo evaluation.</summary>
        public static FinalAccuracy? Measure<TNetwork>(TNetwork network, ITrainingSet train, LabeledData? test, TrainingRunOptions options, CancellationToken cancellationToken)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            var (trainAccuracy, testAccuracy) = MeanNetwork(network, train, test, options.Training.EvaluationBatchSize);
            double monteCarloAccuracy = double.NaN, entropy = double.NaN, mutualInformation = double.NaN;
            ClassifierScores? scores = null;
            IReadOnlyList<RegressionCalibration>? regression = null;
            IReadOnlyList<LabelScores>? labels = null;
            if (test is not null && network.Description.IsRegression)
            {
                regression = Regression(network, test, options.MonteCarloSamples, cancellationToken);
                if (regression is null)
                {
                    return null;
                }
            }
            else if (test is not null && network.Description.Likelihood == Dsl.Likelihood.Bernoulli)
            {
                if (MultiLabel(network, test, options.MonteCarloSamples, cancellationToken) is not { } multiLabel)
                {
                    return null;
                }

                (monteCarloAccuracy, labels) = multiLabel;
            }
            else if (test is not null && network.Description.Likelihood == Dsl.Likelihood.Categorical)
            {
                if (options.MonteCarloSamples > 0)
                {
                    if (MonteCarlo(network, test, options.MonteCarloSamples, cancellationToken) is not { } monteCarlo)
                    {
                        return null;
                    }

                    (monteCarloAccuracy, entropy, mutualInformation, scores) = monteCarlo;
                }
            }

            return cancellationToken.IsCancellationRequested
                ? null
                : new FinalAccuracy(trainAccuracy, testAccuracy, monteCarloAccuracy, options.MonteCarloSamples, entropy, mutualInformation) { TestCalibration = scores?.Calibration, TestAreaUnderRiskCoverage = scores?.RiskCoverage.AreaUnderCurve ?? double.NaN, TestRegression = regression, TestLabels = labels };
        }

        /// <summary>The mean network's accuracy on the training set (NaN for a streamed one) and on the test set (NaN without one).</summary>
        public static (double Train, double Test) MeanNetwork(InformationNetwork network, ITrainingSet train, LabeledData? test, int batchSize)
            => (train is LabeledData labeled ? InformationTrainer.Evaluate(network, labeled, batchSize) : double.NaN,
                test is null ? double.NaN : InformationTrainer.Evaluate(network, test, batchSize));

        /// <summary>
        /// A regression network's predictive (S Monte-Carlo samples, or the mean network for S = 0) scored on the test set,
        /// target by target in each target's own units (<see cref="RegressionEvaluation"/>); null when a stop request came.
        /// </summary>
        private static IReadOnlyList<RegressionCalibration>? Regression<TNetwork>(TNetwork network, LabeledData data, int samples, CancellationToken cancellationToken)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            using var predictor = new Predictor<TNetwork>(network);
            if (UnlessStopped(() => predictor.PredictTargets(data, samples, cancellationToken), cancellationToken) is not { } predictions)
            {
                return null;
            }

            double[] values = data.TargetValues();
            return Enumerable.Range(0, network.Description.Targets).Select(t =>
            {
                var (means, deviations, observed) = TargetPrediction.Column(predictions, values, t);
                return RegressionEvaluation.Evaluate(means, deviations, observed);
            }).ToArray();
        }

        /// <summary>
        /// A multi-label network's predictive (S Monte-Carlo samples, or the mean network for S = 0) scored on the test set
        /// label by label (<see cref="MultiLabelEvaluation"/>), and its exact-match accuracy when S &gt; 0 (NaN otherwise, as
        /// for a classifier); null when a stop request came.
        /// </summary>
        private static (double ExactMatch, IReadOnlyList<LabelScores> Labels)? MultiLabel<TNetwork>(TNetwork network, LabeledData data, int samples, CancellationToken cancellationToken)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            using var predictor = new Predictor<TNetwork>(network);
            if (UnlessStopped(() => predictor.PredictLabels(data, samples, cancellationToken), cancellationToken) is not { } predictions)
            {
                return null;
            }

            var truth = data.PresentLabels();
            double exactMatch = samples == 0 ? double.NaN : predictions.Where((p, i) => p.Labels.SequenceEqual(truth[i])).Count() / (double)predictions.Count;
            return (exactMatch, MultiLabelEvaluation.Evaluate(predictions.Select(p => p.Probabilities).ToArray(), truth));
        }

        /// <summary>
        /// Accuracy of the Monte-Carlo predictive, its mean predictive entropy and mutual information in nats, and its
        /// calibration and risk–coverage area (<see cref="ClassifierEvaluation"/>), through
        /// <see cref="Predictor{TNetwork}"/>: whole weight samples, the network left as it is, memory bounded by chunks. A
        /// stop request is honoured before the next weight sample (null then), whatever S is.
        /// </summary>
        private static (double Accuracy, double Entropy, double MutualInformation, ClassifierScores Scores)? MonteCarlo<TNetwork>(TNetwork network, LabeledData data, int samples, CancellationToken cancellationToken)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            using var predictor = new Predictor<TNetwork>(network);
            int[] classes = data.ClassIndices();
            if (UnlessStopped(() => predictor.PredictBatch(data, samples, cancellationToken), cancellationToken) is not { } predictions)
            {
                return null;
            }

            long correct = 0;
            double entropy = 0, mutualInformation = 0;
            for (int i = 0; i < predictions.Count; i++)
            {
                correct += predictions[i].Class == classes[i] ? 1 : 0;
                entropy += predictions[i].PredictiveEntropy!.Value;
                mutualInformation += predictions[i].MutualInformation!.Value;
            }

            var scores = ClassifierEvaluation.Evaluate(predictions.Select(p => p.Probabilities).ToArray(), classes);
            return (correct / (double)data.Count, entropy / data.Count, mutualInformation / data.Count, scores);
        }

        /// <summary>What <paramref name="predict"/> returns, or null when a stop request cancelled it.</summary>
        private static IReadOnlyList<T>? UnlessStopped<T>(Func<IReadOnlyList<T>> predict, CancellationToken cancellationToken)
        {
            try
            {
                return predict();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}
