using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Telemetry
{
    /// <summary>
    /// The trainer's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter <c>Ibex.Training</c>, for
    /// OpenTelemetry (<c>AddMeter(TrainingMetrics.MeterName)</c>) or <c>dotnet-counters monitor --counters Ibex.Training</c>.
    /// Named after OpenTelemetry's semantic conventions: dotted lower-case names under <c>ibex.training</c>, UCUM units
    /// (<c>1</c> for a ratio, <c>s</c>, curly-brace annotations for counted things such as <c>{nat}</c>, since UCUM has no
    /// nat), attributes namespaced <c>ibex.*</c>. A Prometheus scrape (OpenTelemetry's exporter) shows them as
    /// <c>ibex_training_information_per_sample</c>, <c>ibex_training_accuracy{ibex_split="test"}</c>,
    /// <c>ibex_training_epoch_duration_seconds_bucket</c>, <c>ibex_training_epochs_total</c>, and so on.
    /// </summary>
    public sealed class TrainingMetrics
    {
        /// <summary>The meter's name.</summary>
        public const string MeterName = "Ibex.Training";

        /// <summary>The attribute naming the network.</summary>
        public const string NetworkAttribute = TrainingActivities.NetworkAttribute;

        /// <summary>The attribute naming a stochastic layer.</summary>
        public const string LayerAttribute = "ibex.layer";

        /// <summary>The attribute naming the split of an accuracy: <c>train</c> (noisy, running) or <c>test</c> (mean network).</summary>
        public const string SplitAttribute = "ibex.split";

        /// <summary>Epochs last from a second (a small MLP) to an hour (a large network on a CPU).</summary>
        private static readonly double[] EpochSecondsBuckets = { 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600 };

        private readonly Gauge<double> loss;
        private readonly Gauge<double> crossEntropy;
        private readonly Gauge<double> binaryCrossEntropy;
        private readonly Gauge<double> negativeLogLikelihood;
        private readonly Gauge<double> informationPerSample;
        private readonly Gauge<double> layerInformation;
        private readonly Gauge<double> accuracy;
        private readonly Gauge<double> learningRate;
        private readonly Gauge<double> throughput;
        private readonly Histogram<double> epochDuration;
        private readonly Counter<long> epochs;

        /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
        public TrainingMetrics(IMeterFactory meterFactory)
        {
            var meter = meterFactory.Create(MeterName);
            loss = meter.CreateGauge<double>("ibex.training.loss", unit: "{nat}", description: "Mean training loss of the last epoch, NLL + (β/N)·Ĩ(w;D) (the NLL being a classifier's cross-entropy).");
            crossEntropy = meter.CreateGauge<double>("ibex.training.cross_entropy", unit: "{nat}", description: "Mean training cross-entropy of the last epoch (a classifier's).");
            binaryCrossEntropy = meter.CreateGauge<double>("ibex.training.binary_cross_entropy", unit: "{nat}", description: "Mean training binary cross-entropy, summed over the labels, of the last epoch (a multi-label network's).");
            negativeLogLikelihood = meter.CreateGauge<double>("ibex.training.negative_log_likelihood", unit: "{nat}", description: "Mean training Gaussian negative log-likelihood of the last epoch (a regression network's).");
            informationPerSample = meter.CreateGauge<double>("ibex.training.information_per_sample", unit: "{nat}", description: "Ĩ(w;D)/N at the end of the last epoch, nats per training example.");
            layerInformation = meter.CreateGauge<double>("ibex.training.layer.information", unit: "{nat}", description: "Information in one stochastic layer's weights at the end of the last epoch.");
            accuracy = meter.CreateGauge<double>("ibex.training.accuracy", unit: "1", description: "Accuracy of the last epoch; attribute ibex.split = train (noisy, running) or test (mean network).");
            learningRate = meter.CreateGauge<double>("ibex.training.learning_rate", unit: "1", description: "Learning rate of the weights at the end of the last epoch.");
            throughput = meter.CreateGauge<double>("ibex.training.throughput", unit: "{example}/s", description: "Training examples per second over the last epoch's optimizer steps.");
            epochDuration = meter.CreateHistogram<double>("ibex.training.epoch.duration", unit: "s", description: "Wall-clock time of an epoch, evaluation included.",
                tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = EpochSecondsBuckets });
            epochs = meter.CreateCounter<long>("ibex.training.epochs", unit: "{epoch}", description: "Epochs completed.");
        }

        /// <summary>Records one epoch of <paramref name="network"/>; its data term goes to the gauge its likelihood names.</summary>
        public void RecordEpoch(string network, EpochReport report, Ibex.Dsl.Likelihood likelihood = Ibex.Dsl.Likelihood.Categorical)
        {
            var tag = new KeyValuePair<string, object?>(NetworkAttribute, network);
            loss.Record(report.Loss, tag);
            (likelihood switch
            {
                Ibex.Dsl.Likelihood.Categorical => crossEntropy,
                Ibex.Dsl.Likelihood.Bernoulli => binaryCrossEntropy,
                _ => negativeLogLikelihood,
            }).Record(report.CrossEntropy, tag);
            informationPerSample.Record(report.InformationPerSample, tag);
            if (!double.IsNaN(report.TrainAccuracy))
            {
                accuracy.Record(report.TrainAccuracy, tag, new KeyValuePair<string, object?>(SplitAttribute, "train"));
            }

            if (!double.IsNaN(report.TestAccuracy))
            {
                accuracy.Record(report.TestAccuracy, tag, new KeyValuePair<string, object?>(SplitAttribute, "test"));
            }

            if (!double.IsNaN(report.LearningRate))
            {
                learningRate.Record(report.LearningRate, tag);
            }

            if (!double.IsNaN(report.ExamplesPerSecond))
            {
                throughput.Record(report.ExamplesPerSecond, tag);
            }

            foreach (var layer in report.Layers)
            {
                layerInformation.Record(layer.InformationNats, tag, new KeyValuePair<string, object?>(LayerAttribute, layer.Layer));
            }

            epochDuration.Record(report.Seconds, tag);
            epochs.Add(1, tag);
        }
    }
}
