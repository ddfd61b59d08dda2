using System.Collections.Generic;
using System.Globalization;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// The options of a hosted training run, bound from the configuration section <c>Ibex:Training</c> (appsettings.json,
    /// environment variables such as <c>Ibex__Training__Epochs</c>, or command-line arguments such as
    /// <c>--Ibex:Training:Epochs=5</c>) and checked by <see cref="TrainingOptionsValidator"/> when the host starts.
    /// </summary>
    public sealed class TrainingOptions
    {
        /// <summary>The configuration section the options bind to.</summary>
        public const string SectionName = "Ibex:Training";

        /// <summary>β of <c>mean CE + (β/N)·Ĩ(w;D)</c>; unset uses the network's <c>[InfoRegularized(beta)]</c>.</summary>
        public double? Beta { get; set; }

        /// <summary>Passes over the training set.</summary>
        public int Epochs { get; set; } = 10;

        /// <summary>Examples per optimizer step.</summary>
        public int BatchSize { get; set; } = 128;

        /// <summary>Adam or Sgd (with momentum).</summary>
        public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

        /// <summary>Learning rate of the mean weights ŵ and the biases.</summary>
        public double LearningRate { get; set; } = 1e-3;

        /// <summary>Learning rate of every ρ = log α (docs/defaults.md explains why it is larger).</summary>
        public double LogAlphaLearningRate { get; set; } = 3e-2;

        /// <summary>Momentum of Sgd.</summary>
        public double Momentum { get; set; } = 0.9;

        /// <summary>Constant or Cosine (annealed to 0 over the run).</summary>
        public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

        /// <summary>Epochs over which β rises linearly from 0 (0: none).</summary>
        public int BetaWarmupEpochs { get; set; }

        /// <summary>Seeds the weights, the noise and the shuffling; a CPU run with the same seed repeats exactly.</summary>
        public long Seed { get; set; }

        /// <summary><c>auto</c> (CUDA when available, else the CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
        public string Device { get; set; } = "auto";

        /// <summary>
        /// An existing libtorch folder to load instead of a libtorch package (for example a pip PyTorch's
        /// <c>site-packages/torch/lib</c>, with its CUDA libraries); unset uses the package or <c>IBEX_LIBTORCH_PATH</c>.
        /// </summary>
        public string? LibTorchPath { get; set; }

        /// <summary>Load <see cref="LibTorchPath"/> even when its version is not 2.10.0, provided every symbol resolves.</summary>
        public bool AllowLibTorchVersionMismatch { get; set; }

        /// <summary>Where the training data comes from.</summary>
        public DataOptions Data { get; set; } = new();

        /// <summary>Folder of the run's checkpoint; a run finding one there resumes from it.</summary>
        public string CheckpointDirectory { get; set; } = "checkpoints";

        /// <summary>
        /// Strict (default): a checkpoint written with other settings (β, learning rates, optimizer, seed, data…) is refused,
        /// naming each difference. AllowChanges: the run continues with the new values, recorded in report.json.
        /// </summary>
        public ResumePolicy Resume { get; set; } = ResumePolicy.Strict;

        /// <summary>Write a checkpoint every this many epochs (and always when the run is stopped).</summary>
        public int CheckpointIntervalEpochs { get; set; } = 1;

        /// <summary>Folder for report.json and the trained network.</summary>
        public string OutputDirectory { get; set; } = "output";

        /// <summary>Examples per forward pass when evaluating.</summary>
        public int EvaluationBatchSize { get; set; } = 2000;

        /// <summary>S, the noise samples of the final Monte-Carlo predictive.</summary>
        public int MonteCarloSamples { get; set; } = 16;

        /// <summary>Writes the trained mean network as <c>network.onnx</c> beside <c>network.ibexnet</c> (see <see cref="Export.OnnxExport"/>). Default false.</summary>
        public bool ExportOnnx { get; set; }

        /// <summary>Calibration on held-out training examples before saving (<c>Ibex:Training:Calibration</c>): off unless <see cref="CalibrationOptions.Enabled"/>.</summary>
        public CalibrationOptions Calibration { get; set; } = new();

        /// <summary>Pruning after training (<c>Ibex:Training:Prune</c>): off unless <see cref="PruneOptions.Enabled"/>.</summary>
        public PruneOptions Prune { get; set; } = new();

        /// <summary>Writes <c>report.html</c>, the report's plots in one self-contained page, beside <c>report.json</c>. Default true.</summary>
        public bool HtmlReport { get; set; } = true;

        /// <summary>TensorBoard event files (<c>Ibex:Training:TensorBoard</c>): off unless <see cref="TensorBoardOutputOptions.Directory"/> is set.</summary>
        public TensorBoardOutputOptions TensorBoard { get; set; } = new();

        /// <summary>OpenTelemetry export of the <c>Ibex.Training</c> metrics and spans (<c>Ibex:Training:Telemetry</c>): OTLP and a Prometheus scrape endpoint, each off unless configured.</summary>
        public TelemetryOptions Telemetry { get; set; } = new();

        /// <summary>Data-parallel training over MPI (<c>Ibex:Training:DataParallel</c>): joined automatically when an MPI launcher started several processes.</summary>
        public DataParallelOptions DataParallel { get; set; } = new();

        /// <summary>Values in the configuration that could not be bound (set instead of binding; reported by the validator).</summary>
        internal IReadOnlyList<string>? ConfigurationProblems { get; set; }

        /// <summary>The engine's settings for these options.</summary>
        public TrainingSettings ToSettings() => new()
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            Optimizer = Optimizer,
            LearningRate = LearningRate,
            LogAlphaLearningRate = LogAlphaLearningRate,
            Momentum = Momentum,
            Schedule = Schedule,
            BetaWarmupEpochs = BetaWarmupEpochs,
            Beta = Beta,
            Seed = Seed,
            EvaluationBatchSize = EvaluationBatchSize,
            CheckpointIntervalEpochs = CheckpointIntervalEpochs,
            Resume = Resume,
            DataFingerprint = Data.Fingerprint(),
        };

        /// <summary>
        /// The run these options describe, for <see cref="Runs.TrainingRun{TNetwork}"/>: training, checkpoints, outputs,
        /// evaluation, ONNX and pruning. Relative folders resolve against the working directory the process started in.
        /// </summary>
        public Runs.TrainingRunOptions ToRunOptions(string dataDescription, Distributed.DataParallelGroup? dataParallel = null) => new()
        {
            Training = ToSettings() with { DataParallel = dataParallel },
            CheckpointDirectory = System.IO.Path.GetFullPath(CheckpointDirectory),
            OutputDirectory = System.IO.Path.GetFullPath(OutputDirectory),
            MonteCarloSamples = MonteCarloSamples,
            ExportOnnx = ExportOnnx,
            HtmlReport = HtmlReport,
            TensorBoard = string.IsNullOrWhiteSpace(TensorBoard.Directory)
                ? null
                : new Runs.TensorBoardOptions { Directory = System.IO.Path.GetFullPath(TensorBoard.Directory), HistogramIntervalEpochs = TensorBoard.HistogramIntervalEpochs },
            Calibration = Calibration.Enabled
                ? new Runs.RunCalibration { HeldOutFraction = Calibration.HeldOutFraction, Coverage = Calibration.Coverage, RandomizedSets = Calibration.RandomizedSets }
                : null,
            Prune = Prune.Enabled
                ? new Runs.RunPruning
                {
                    Pruning = new Compression.PruningOptions { LogAlphaThreshold = Prune.LogAlphaThreshold, RemoveUnits = Prune.RemoveUnits },
                    FineTuneEpochs = Prune.FineTuneEpochs,
                    Initializers = Prune.Initializers,
                }
                : null,
            DataDescription = dataDescription,
            FolderSettingNames = ($"{SectionName}:{nameof(CheckpointDirectory)}", $"{SectionName}:{nameof(OutputDirectory)}"),
        };
    }

    /// <summary>TensorBoard event files for the hosted run (<c>Ibex:Training:TensorBoard</c>), see <see cref="Runs.TensorBoardOptions"/>.</summary>
    public sealed class TensorBoardOutputOptions
    {
        /// <summary>The folder for the event files (TensorBoard's <c>--logdir</c>); unset or empty: no TensorBoard output.</summary>
        public string? Directory { get; set; }

        /// <summary>Every how many epochs the log α histograms are written (and always at the first and last epoch). Default 5.</summary>
        public int HistogramIntervalEpochs { get; set; } = 5;
    }

    /// <summary>
    /// Where the hosted trainer's metrics (meter <c>Ibex.Training</c>) and spans (activity source <c>Ibex.Training</c>) go
    /// (<c>Ibex:Training:Telemetry</c>), through OpenTelemetry's <c>AddOpenTelemetry()</c>; see
    /// <see cref="IbexTelemetryExtensions.AddIbexTelemetry"/>.
    /// </summary>
    public sealed class TelemetryOptions
    {
        /// <summary>OTLP export of metrics and spans: off unless <see cref="OtlpOptions.Endpoint"/> is set.</summary>
        public OtlpOptions Otlp { get; set; } = new();

        /// <summary>A Prometheus scrape endpoint for the metrics: off unless <see cref="PrometheusOptions.Port"/> is set.</summary>
        public PrometheusOptions Prometheus { get; set; } = new();
    }

    /// <summary>OTLP export (<c>Ibex:Training:Telemetry:Otlp</c>).</summary>
    public sealed class OtlpOptions
    {
        /// <summary>The collector's address, such as <c>http://localhost:4317</c> (gRPC) or <c>http://localhost:4318</c> (HTTP); unset: no OTLP export.</summary>
        public string? Endpoint { get; set; }

        /// <summary>The OTLP transport. Default Grpc.</summary>
        public OtlpTransport Protocol { get; set; } = OtlpTransport.Grpc;
    }

    /// <summary>The OTLP transport.</summary>
    public enum OtlpTransport
    {
        /// <summary>OTLP over gRPC (port 4317 by convention).</summary>
        Grpc,

        /// <summary>OTLP over HTTP with protocol buffers (port 4318 by convention; the exporter appends /v1/metrics and /v1/traces).</summary>
        HttpProtobuf,
    }

    /// <summary>A Prometheus scrape endpoint (<c>Ibex:Training:Telemetry:Prometheus</c>) served by the worker's process.</summary>
    public sealed class PrometheusOptions
    {
        /// <summary>The port of <c>http://{Host}:{Port}/metrics</c>; 0 (the default): no endpoint.</summary>
        public int Port { get; set; }

        /// <summary>The host name the endpoint answers to. Default localhost; <c>+</c> answers on every address.</summary>
        public string Host { get; set; } = "localhost";

        /// <summary>
        /// Seconds the worker keeps serving after the run ends, so that a scraper's next pull sees the last epoch (Prometheus
        /// pulls; a short job would otherwise end between two scrapes). Default 0; set it to at least the scrape interval.
        /// </summary>
        public int KeepServingSeconds { get; set; }
    }

    /// <summary>
    /// Calibration after training (<c>Ibex:Training:Calibration</c>, see <see cref="Runs.RunCalibration"/>): the last
    /// <see cref="HeldOutFraction"/> of the training examples are held out, and the saved <c>network.ibexnet</c> carries the
    /// temperature and prediction-set threshold (a classifier) or the conformal interval quantile (a regression network)
    /// fitted on them, which the prediction service then applies.
    /// </summary>
    public sealed class CalibrationOptions
    {
        /// <summary>Whether to calibrate. Default false.</summary>
        public bool Enabled { get; set; }

        /// <summary>The share of the training examples held out, in (0, 0.5]. Default 0.1.</summary>
        public double HeldOutFraction { get; set; } = 0.1;

        /// <summary>The coverage of prediction sets or intervals, in (0, 1). Default 0.9.</summary>
        public double Coverage { get; set; } = 0.9;

        /// <summary>Whether prediction sets are randomized. Default false.</summary>
        public bool RandomizedSets { get; set; }
    }

    /// <summary>
    /// Pruning after training (<c>Ibex:Training:Prune</c>, see <see cref="Compression.NetworkPruner"/>): the report gains a
    /// <c>pruning</c> section (weights, units, nats and multiply-adds kept per layer, and the pruned mean network's test
    /// accuracy), and the output folder <c>network.pruned.onnx</c>.
    /// </summary>
    public sealed class PruneOptions
    {
        /// <summary>Whether to prune. Default false.</summary>
        public bool Enabled { get; set; }

        /// <summary>Weights with ρ = log α at or above it are pruned; unset takes each noise family's default (<see cref="Compression.PruningThresholds"/>).</summary>
        public double? LogAlphaThreshold { get; set; }

        /// <summary>Whether units left without weights leave the exported graph where that is exact. Default true.</summary>
        public bool RemoveUnits { get; set; } = true;

        /// <summary>
        /// Epochs of fine-tuning after pruning, with the pruned weights held at 0 (<see cref="Training.TrainingSettings.WeightMasks"/>),
        /// on a copy: the saved <c>network.ibexnet</c> stays the network as trained. Default 0.
        /// </summary>
        public int FineTuneEpochs { get; set; }

        /// <summary>How <c>network.pruned.onnx</c> stores its weights. Default Sparse.</summary>
        public Export.OnnxInitializers Initializers { get; set; } = Export.OnnxInitializers.Sparse;
    }

    /// <summary>
    /// Data-parallel training over MPI (<c>Ibex:Training:DataParallel</c>, see <see cref="Distributed.DataParallelGroup"/> and
    /// docs/distributed.md): every process started by <c>mpiexec -n K</c> or <c>srun --mpi=pmi2</c> trains on its share of each
    /// batch, and rank 0 alone writes checkpoints, reports and logs progress.
    /// </summary>
    public sealed class DataParallelOptions
    {
        /// <summary>Auto (the default: join when an MPI launcher started several processes), Off (train alone even then) or Mpi (always join MPI).</summary>
        public DataParallelMode Mode { get; set; } = DataParallelMode.Auto;

        /// <summary>Seconds a rank waits for the others in any collective before it stops the job (a rank died or hangs). Default 300.</summary>
        public int TimeoutSeconds { get; set; } = 300;

        /// <summary>Joins the launcher's processes when these options say so (see <see cref="DataParallelMode"/>); null trains alone.</summary>
        internal Distributed.DataParallelGroup? Join()
        {
            bool join = Mode switch
            {
                DataParallelMode.Off => false,
                DataParallelMode.Mpi => true,
                _ => Distributed.DataParallelGroup.IsLaunchedAsSeveral,
            };
            return join ? Distributed.DataParallelGroup.Join(System.TimeSpan.FromSeconds(TimeoutSeconds)) : null;
        }
    }

    /// <summary>Whether a hosted run trains data-parallel (<see cref="DataParallelOptions.Mode"/>).</summary>
    public enum DataParallelMode
    {
        /// <summary>Join MPI when an MPI launcher started this process as one of several.</summary>
        Auto,

        /// <summary>Train in this process alone, even under an MPI launcher.</summary>
        Off,

        /// <summary>Always join MPI (a process started without a launcher forms a group of one).</summary>
        Mpi,
    }

    /// <summary>Where the training data comes from (<c>Ibex:Training:Data</c>).</summary>
    public sealed class DataOptions
    {
        /// <summary>FashionMnist, Idx, Csv, ImageFolder or Synthetic (see <see cref="DataSourceKind"/>).</summary>
        public DataSourceKind Source { get; set; } = DataSourceKind.FashionMnist;

        /// <summary>The training data: the folder of the IDX files (FashionMnist, Idx), the CSV file (Csv) or the folder of class folders (ImageFolder).</summary>
        public string Path { get; set; } = Data.FashionMnist.DefaultDirectory;

        /// <summary>Csv and ImageFolder: the test set's file or folder, in the same form as <see cref="Path"/>; unset trains without a test set.</summary>
        public string? TestPath { get; set; }

        /// <summary>Csv: the header of the label column; every other column is a feature, in file order.</summary>
        public string LabelColumn { get; set; } = "label";

        /// <summary>
        /// Csv, for a regression or multi-label network: the headers of the target columns, in the order the network predicts
        /// them (every other column is a feature; <see cref="LabelColumn"/> is not read). Unset reads class indices.
        /// </summary>
        public string[]? TargetColumns { get; set; }

        /// <summary>
        /// Standardize every feature to mean 0 and standard deviation 1, with statistics of the training data only
        /// (<see cref="Data.Standardization"/>); for a regression network the targets too (<see cref="Data.TargetStandardizer"/>),
        /// so that its predictions come back in the targets' units.
        /// </summary>
        public bool Standardize { get; set; }

        /// <summary>N: train on the first N training examples only; unset uses all.</summary>
        public int? TrainSize { get; set; }

        /// <summary>The fraction of training labels replaced by a fixed, uniformly random label (seeded by LabelSeed).</summary>
        public double RandomLabelFraction { get; set; }

        /// <summary>Seed of the label randomization.</summary>
        public long LabelSeed { get; set; }

        /// <summary>Synthetic only: training examples generated (the test set gets a quarter as many).</summary>
        public int SyntheticExamples { get; set; } = 2000;

        /// <summary>What defines the training data, for the resume check (<see cref="TrainingSettings.DataFingerprint"/>).</summary>
        internal IReadOnlyDictionary<string, string> Fingerprint()
        {
            var fingerprint = new Dictionary<string, string>
            {
                [nameof(Source)] = Source.ToString(),
                [nameof(TrainSize)] = TrainSize?.ToString(CultureInfo.InvariantCulture) ?? "all",
                [nameof(RandomLabelFraction)] = RandomLabelFraction.ToString("R", CultureInfo.InvariantCulture),
                [nameof(LabelSeed)] = LabelSeed.ToString(CultureInfo.InvariantCulture),
                [nameof(Standardize)] = Standardize ? "true" : "false",
            };
            if (Source == DataSourceKind.Synthetic)
            {
                fingerprint[nameof(SyntheticExamples)] = SyntheticExamples.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                fingerprint[nameof(Path)] = System.IO.Path.GetFullPath(Path);
            }

            if (Source == DataSourceKind.Csv)
            {
                fingerprint[nameof(LabelColumn)] = LabelColumn;
                if (TargetColumns is { Length: > 0 } targets)
                {
                    fingerprint[nameof(TargetColumns)] = string.Join(",", targets);
                }
            }

            return fingerprint;
        }
    }

    /// <summary>Where hosted training gets its data.</summary>
    public enum DataSourceKind
    {
        /// <summary>Fashion-MNIST IDX files; the network must take [Input(784)] or [Input(1, 28, 28)] and give 10 classes.</summary>
        FashionMnist,

        /// <summary>Gaussian clusters, one per class, in the network's input space (for tests and dry runs).</summary>
        Synthetic,

        /// <summary>Any data set in the IDX format of MNIST: train-images-idx3-ubyte, train-labels-idx1-ubyte and the t10k- test files (optionally .gz) in one folder.</summary>
        Idx,

        /// <summary>A CSV file with a header row (<see cref="Data.CsvData"/>), and optionally a test file.</summary>
        Csv,

        /// <summary>A folder with one sub-folder of PNG or JPEG images per class (<see cref="Data.ImageFolder"/>), and optionally a test folder.</summary>
        ImageFolder,
    }
}
