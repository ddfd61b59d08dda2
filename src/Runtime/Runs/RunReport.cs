using System.Collections.Generic;
using Ibex.Runtime.Reports;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>What a <see cref="TrainingRun{TNetwork}"/> measured; written as <c>report.json</c> to its output folder.</summary>
    public sealed record RunReport
    {
        /// <summary>The network's class name.</summary>
        public required string Network { get; init; }

        /// <summary>Its declaration hash.</summary>
        public required string DeclarationHash { get; init; }

        /// <summary>The device it trained on.</summary>
        public required string Device { get; init; }

        /// <summary>What the run trained on, as its data source describes itself (a custom source gives its own description).</summary>
        public required string DataSource { get; init; }

        /// <summary>The training settings of the run.</summary>
        public required TrainingSettings Settings { get; init; }

        /// <summary>β in force, N and the label-noise fraction.</summary>
        public required double Beta { get; init; }

        /// <summary>
        /// A short hash of the settings that define what the run trains (network declaration, N, β, optimizer, learning rates,
        /// schedule, seed, data): the same value as the <c>ibex.run.fingerprint</c> attribute of its spans.
        /// </summary>
        public string Fingerprint { get; init; } = "";

        /// <summary>N, the number of training examples.</summary>
        public required long TrainingExamples { get; init; }

        /// <summary>The run's segments: the settings it started with, and every resume that changed them (what, and from where).</summary>
        public IReadOnlyList<RunSegment> Segments { get; init; } = System.Array.Empty<RunSegment>();

        /// <summary>Every epoch's metrics.</summary>
        public required IReadOnlyList<EpochReport> Epochs { get; init; }

        /// <summary>Per stochastic layer: information in nats and bits, mean log α, fraction at the cap.</summary>
        public required IReadOnlyList<LayerInformation> Layers { get; init; }

        /// <summary>Per stochastic layer: how its log α are spread at the end, with the pruning threshold.</summary>
        public IReadOnlyList<LogAlphaHistogram> LogAlpha { get; init; } = System.Array.Empty<LogAlphaHistogram>();

        /// <summary>Ĩ(w;D) in nats.</summary>
        public required double InformationNats { get; init; }

        /// <summary>Ĩ(w;D)/N in nats per training sample.</summary>
        public required double InformationPerSample { get; init; }

        /// <summary>Final accuracies.</summary>
        public required FinalAccuracy Final { get; init; }

        /// <summary>Where the trained network was saved, or null when the run had no output folder.</summary>
        public string? NetworkFile { get; init; }

        /// <summary>The mean network as ONNX (<see cref="TrainingRunOptions.ExportOnnx"/>), or null.</summary>
        public string? OnnxFile { get; init; }

        /// <summary>The network's likelihood, which says what the epochs' <c>crossEntropy</c> (the loss's data term, the mean NLL) is.</summary>
        public Dsl.Likelihood Likelihood { get; init; }

        /// <summary>What calibration fitted and its test coverage (<see cref="TrainingRunOptions.Calibration"/>), or null.</summary>
        public CalibrationOutcome? Calibration { get; init; }

        /// <summary>What pruning kept (<see cref="TrainingRunOptions.Prune"/>), or null when the run did not prune.</summary>
        public PruningOutcome? Pruning { get; init; }

        /// <summary>Reads a <c>report.json</c> a run wrote; throws <see cref="System.IO.InvalidDataException"/> naming the file when it is not one.</summary>
        public static RunReport Load(string path)
        {
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize(System.IO.File.ReadAllBytes(path), ReportJsonContext.Default.RunReport)
                    ?? throw new System.IO.InvalidDataException($"{path} holds no run report.");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new System.IO.InvalidDataException($"{path} is not a run report: {e.Message}", e);
            }
        }
    }

    /// <summary>The pruning step of a hosted run.</summary>
    /// <param name="Report">Weights, units, nats and multiply-adds kept, per layer and in total.</param>
    /// <param name="FineTuneEpochs">Epochs of fine-tuning with the pruned weights held at 0 before the accuracies were measured.</param>
    /// <param name="TestMeanNetwork">Test-set accuracy of the pruned mean network, NaN without a test set.</param>
    /// <param name="TrainMeanNetwork">Training-set accuracy of the pruned mean network.</param>
    /// <param name="OnnxFile">The pruned network as ONNX, or null when the run had no output folder.</param>
    public sealed record PruningOutcome(Compression.PruningReport Report, int FineTuneEpochs, double TestMeanNetwork, double TrainMeanNetwork, string? OnnxFile);

    /// <summary>The accuracies at the end of a run.</summary>
    /// <param name="TrainMeanNetwork">Training-set accuracy of the mean network (ε ≡ 1); for a multi-label network the
    /// exact-match accuracy (every label right), as for the two test accuracies.</param>
    /// <param name="TestMeanNetwork">Test-set accuracy of the mean network, NaN without a test set.</param>
    /// <param name="TestMonteCarlo">Test-set accuracy of the Monte-Carlo predictive, NaN without a test set, without samples or
    /// for a regression network.</param>
    /// <param name="MonteCarloSamples">S, the noise samples behind the predictive.</param>
    /// <param name="TestPredictiveEntropy">Mean entropy of the predictive on the test set, in nats.</param>
    /// <param name="TestMutualInformation">Mean mutual information between prediction and weights on the test set, in nats.</param>
    public sealed record FinalAccuracy(double TrainMeanNetwork, double TestMeanNetwork, double TestMonteCarlo, int MonteCarloSamples,
        double TestPredictiveEntropy, double TestMutualInformation)
    {
        /// <summary>The Monte-Carlo predictive's calibration on the test set (NLL, Brier score, ECE, the reliability diagram);
        /// null without Monte-Carlo samples or a test set.</summary>
        public Evaluation.ClassificationCalibration? TestCalibration { get; init; }

        /// <summary>The area under the Monte-Carlo predictive's risk–coverage curve on the test set (answering by the top
        /// class's probability); NaN without Monte-Carlo samples or a test set.</summary>
        public double TestAreaUnderRiskCoverage { get; init; } = double.NaN;

        /// <summary>A regression network's predictive on the test set, one score per target in that target's units (RMSE,
        /// Gaussian NLL, 90% interval coverage and width, the calibration curve); null for other networks or without a test set.</summary>
        public IReadOnlyList<Evaluation.RegressionCalibration>? TestRegression { get; init; }

        /// <summary>A multi-label network's predictive on the test set, one score per label (prevalence, accuracy, binary
        /// cross-entropy, Brier score, ECE, AUROC); null for other networks or without a test set.</summary>
        public IReadOnlyList<Evaluation.LabelScores>? TestLabels { get; init; }
    }
}
