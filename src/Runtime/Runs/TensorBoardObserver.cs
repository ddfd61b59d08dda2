using System.Globalization;
using System.Text;
using Ibex.Runtime.Reports;
using Ibex.Runtime.Telemetry;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// Writes a run to TensorBoard (<see cref="TrainingRunOptions.TensorBoard"/>), on rank 0 only. Step = epoch. The tags:
    /// <list type="bullet">
    /// <item><c>settings</c> (text, step 0): network, device, N, β, the training settings and the fingerprint;</item>
    /// <item><c>loss/total</c>, <c>loss/cross_entropy</c>, <c>loss/information_term</c> (their difference, (β/N)·Ĩ as the
    /// epoch's batches weighed it), <c>information/per_sample</c> (Ĩ(w;D)/N, nats), <c>information/layer/{layer}</c> (nats),
    /// <c>accuracy/train</c>, <c>accuracy/test</c> (with a test set), <c>optimizer/learning_rate</c>,
    /// <c>throughput/examples_per_second</c>, <c>time/epoch_seconds</c>: every epoch;</item>
    /// <item><c>log_alpha/{layer}</c> (histogram): the first and last epoch and every
    /// <see cref="TensorBoardOptions.HistogramIntervalEpochs"/>;</item>
    /// <item><c>pruning/compression_ratio</c>, <c>pruning/test_accuracy</c> at the last epoch, when the run prunes.</item>
    /// </list>
    /// </summary>
    internal sealed class TensorBoardObserver(InformationNetwork network, TensorBoardOptions options) : IRunObserver
    {
        private TensorBoardEventFile? file;
        private int epochs;
        private int lastEpoch;

        public void OnRunStarting(RunStart start)
        {
            if (!(start.DataParallel?.IsRoot ?? true))
            {
                return;
            }

            epochs = start.Epochs;
            file?.Dispose();
            file = new TensorBoardEventFile(options.Directory);
            file.Text("settings", Settings(start), 0);
        }

        public void OnEpochCompleted(EpochReport report)
        {
            if (file is null)
            {
                return;
            }

            long step = report.Epoch;
            lastEpoch = report.Epoch;
            file.Scalar("loss/total", report.Loss, step);
            file.Scalar($"loss/{Likelihoods.DataTerm.Tag(network.Description.Likelihood)}", report.CrossEntropy, step);
            file.Scalar("loss/information_term", report.Loss - report.CrossEntropy, step);
            file.Scalar("information/per_sample", report.InformationPerSample, step);
            foreach (var layer in report.Layers)
            {
                file.Scalar($"information/layer/{layer.Layer}", layer.InformationNats, step);
            }

            file.Scalar("accuracy/train", report.TrainAccuracy, step);
            if (!double.IsNaN(report.TestAccuracy))
            {
                file.Scalar("accuracy/test", report.TestAccuracy, step);
            }

            file.Scalar("optimizer/learning_rate", report.LearningRate, step);
            file.Scalar("throughput/examples_per_second", report.ExamplesPerSecond, step);
            file.Scalar("time/epoch_seconds", report.Seconds, step);
            if (report.Epoch == 1 || report.Epoch == epochs || report.Epoch % options.HistogramIntervalEpochs == 0)
            {
                foreach (var histogram in LogAlphaHistogram.Measure(network))
                {
                    file.Histogram($"log_alpha/{histogram.Layer}", histogram, step);
                }
            }
        }

        public void OnPruned(PruningOutcome outcome)
        {
            file?.Scalar("pruning/compression_ratio", outcome.Report.CompressionRatio, lastEpoch);
            file?.Scalar("pruning/test_accuracy", outcome.TestMeanNetwork, lastEpoch);
        }

        public void OnRunFinished(RunResult result)
        {
            file?.Dispose();
            file = null;
        }

        private static string Settings(RunStart start)
        {
            var text = new StringBuilder();
            text.Append("| setting | value |\n|---|---|\n");
            void Row(string name, object? value) => text.Append(CultureInfo.InvariantCulture, $"| {name} | {value} |\n");
            Row("network", start.Network);
            Row("device", start.Device);
            Row("training examples (N)", start.TrainingExamples);
            Row("β", start.Beta.ToString("R", CultureInfo.InvariantCulture));
            Row("epochs", start.Epochs);
            if (start.Settings is { } settings)
            {
                Row("batch size", settings.BatchSize);
                Row("optimizer", settings.Optimizer);
                Row("learning rate", settings.LearningRate.ToString("R", CultureInfo.InvariantCulture));
                Row("log α learning rate", settings.LogAlphaLearningRate.ToString("R", CultureInfo.InvariantCulture));
                Row("schedule", settings.Schedule);
                Row("β warm-up epochs", settings.BetaWarmupEpochs);
                Row("seed", settings.Seed);
            }

            Row("fingerprint", start.Fingerprint);
            Row("resumed from", start.Resume is { } resume ? $"epoch {resume.Metadata.Epoch}, batch {resume.Metadata.NextBatch}" : "(fresh start)");
            return text.ToString();
        }
    }
}
