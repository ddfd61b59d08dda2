using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Ibex.Runtime.Reports;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Telemetry
{
    /// <summary>
    /// The trainer's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter <c>Ibex.Training</c>, so that
    /// OpenTelemetry or <c>dotnet-counters monitor --counters Ibex.Training</c> can read them.
    /// </summary>
    public sealed class TrainingMetrics
    {
        /// <summary>The meter's name.</summary>
        public const string MeterName = "Ibex.Training";

        private readonly Gauge<double> loss;
        private readonly Gauge<double> crossEntropy;
        private readonly Gauge<double> informationPerSample;
        private readonly Gauge<double> layerInformation;
        private readonly Gauge<double> layerInformationBits;
        private readonly Gauge<double> accuracy;
        private readonly Gauge<double> examplesPerSecond;
        private readonly Counter<long> epochs;

        /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
        public TrainingMetrics(IMeterFactory meterFactory)
        {
            var meter = meterFactory.Create(MeterName);
            loss = meter.CreateGauge<double>("ibex.training.loss", unit: "nat", description: "Mean training loss of the last epoch, CE + (β/N)·Ĩ(w;D).");
            crossEntropy = meter.CreateGauge<double>("ibex.training.cross_entropy", unit: "nat", description: "Mean training cross-entropy of the last epoch.");
            informationPerSample = meter.CreateGauge<double>("ibex.training.information_per_sample", unit: "nat", description: "Ĩ(w;D)/N, nats per training sample.");
            layerInformation = meter.CreateGauge<double>("ibex.training.layer.information", unit: "nat", description: "Information in one stochastic layer's weights, ½·Σ log(α_max/α).");
            layerInformationBits = meter.CreateGauge<double>("ibex.training.layer.information.bits", unit: "bit", description: "The same in bits.");
            accuracy = meter.CreateGauge<double>("ibex.training.accuracy", unit: "1", description: "Accuracy; tag split = train (noisy, running) or test (mean network).");
            examplesPerSecond = meter.CreateGauge<double>("ibex.training.examples_per_second", unit: "{example}/s", description: "Training throughput of the last epoch.");
            epochs = meter.CreateCounter<long>("ibex.training.epochs", unit: "{epoch}", description: "Epochs completed.");
        }

        /// <summary>Records one epoch.</summary>
        public void RecordEpoch(string network, EpochReport report, long trainingExamples, IReadOnlyList<LayerInformation> layers)
        {
            var tag = new KeyValuePair<string, object?>("network", network);
            loss.Record(report.Loss, tag);
            crossEntropy.Record(report.CrossEntropy, tag);
            informationPerSample.Record(report.InformationPerSample, tag);
            accuracy.Record(report.TrainAccuracy, tag, new KeyValuePair<string, object?>("split", "train"));
            if (!double.IsNaN(report.TestAccuracy))
            {
                accuracy.Record(report.TestAccuracy, tag, new KeyValuePair<string, object?>("split", "test"));
            }

            examplesPerSecond.Record(trainingExamples / report.Seconds, tag);
            foreach (var layer in layers)
            {
                var layerTag = new KeyValuePair<string, object?>("layer", layer.Layer);
                layerInformation.Record(layer.InformationNats, tag, layerTag);
                layerInformationBits.Record(layer.InformationBits, tag, layerTag);
            }

            epochs.Add(1, tag);
        }
    }
}
