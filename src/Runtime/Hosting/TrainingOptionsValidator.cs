using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// Checks <see cref="TrainingOptions"/> when the host starts. Every message names the configuration key, the value
    /// found and the values allowed. Written out rather than derived from attributes, so that it needs no reflection and
    /// the messages say exactly what to change.
    /// </summary>
    public sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
    {
        private const string Prefix = TrainingOptions.SectionName + ":";

        /// <inheritdoc/>
        public ValidateOptionsResult Validate(string? name, TrainingOptions options)
        {
            if (options.ConfigurationProblems is { Count: > 0 } unparsable)
            {
                return ValidateOptionsResult.Fail(unparsable);
            }

            var failures = new List<string>();
            void Check(bool valid, string key, object? value, string allowed)
            {
                if (!valid)
                {
                    failures.Add($"{Prefix}{key} = {value ?? "(unset)"} is invalid: it must be {allowed}.");
                }
            }

            static bool Finite(double value) => double.IsFinite(value);

            Check(options.Beta is null || (Finite(options.Beta.Value) && options.Beta.Value >= 0), "Beta", options.Beta, "a number ≥ 0, or unset to use the declared β");
            Check(options.Beta is null || options.Beta.Value <= 1e6, "Beta", options.Beta, "at most 1000000 (β/N weighs nats against one example's cross-entropy)");
            Check(options.Epochs is >= 1 and <= 1_000_000, "Epochs", options.Epochs, "between 1 and 1000000");
            Check(options.BatchSize is >= 1 and <= 1_000_000, "BatchSize", options.BatchSize, "between 1 and 1000000");
            Check(System.Enum.IsDefined(options.Optimizer), "Optimizer", options.Optimizer, "Adam or Sgd");
            Check(Finite(options.LearningRate) && options.LearningRate > 0 && options.LearningRate <= 10, "LearningRate", options.LearningRate, "in (0, 10]");
            Check(Finite(options.LogAlphaLearningRate) && options.LogAlphaLearningRate > 0 && options.LogAlphaLearningRate <= 10, "LogAlphaLearningRate", options.LogAlphaLearningRate, "in (0, 10]");
            Check(Finite(options.Momentum) && options.Momentum >= 0 && options.Momentum < 1, "Momentum", options.Momentum, "in [0, 1)");
            Check(System.Enum.IsDefined(options.Schedule), "Schedule", options.Schedule, "Constant or Cosine");
            Check(options.BetaWarmupEpochs is >= 0 and <= 1_000_000, "BetaWarmupEpochs", options.BetaWarmupEpochs, "between 0 and 1000000");
            Check(options.LibTorchPath is null || System.IO.Directory.Exists(options.LibTorchPath), "LibTorchPath", options.LibTorchPath, "an existing folder holding libtorch (for example a pip PyTorch's torch/lib), or unset");
            Check(IsDevice(options.Device), "Device", options.Device, "auto, cpu, cuda or cuda:N");
            Check(!string.IsNullOrWhiteSpace(options.CheckpointDirectory), "CheckpointDirectory", options.CheckpointDirectory, "a folder path");
            Check(options.CheckpointIntervalEpochs is >= 1 and <= 1_000_000, "CheckpointIntervalEpochs", options.CheckpointIntervalEpochs, "between 1 and 1000000");
            Check(!string.IsNullOrWhiteSpace(options.OutputDirectory), "OutputDirectory", options.OutputDirectory, "a folder path");
            Check(options.EvaluationBatchSize is >= 1 and <= 1_000_000, "EvaluationBatchSize", options.EvaluationBatchSize, "between 1 and 1000000");
            Check(System.Enum.IsDefined(options.Resume), "Resume", options.Resume, "Strict or AllowChanges");
            Check(options.MonteCarloSamples is >= 1 and <= 10_000, "MonteCarloSamples", options.MonteCarloSamples, "between 1 and 10000");

            Check(options.TensorBoard is not null, "TensorBoard", null, "a section");
            if (options.TensorBoard is { } tensorBoard)
            {
                Check(tensorBoard.HistogramIntervalEpochs is >= 1 and <= 1_000_000, "TensorBoard:HistogramIntervalEpochs", tensorBoard.HistogramIntervalEpochs, "between 1 and 1000000");
            }

            Check(options.Telemetry is { Otlp: not null, Prometheus: not null }, "Telemetry", null, "a section with Otlp and Prometheus sections");
            if (options.Telemetry is { Otlp: { } otlp, Prometheus: { } prometheus })
            {
                Check(otlp.Endpoint is null || otlp.Endpoint.Length == 0 || (System.Uri.TryCreate(otlp.Endpoint, System.UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                    "Telemetry:Otlp:Endpoint", otlp.Endpoint, "an absolute http or https address such as http://localhost:4317, or unset for no OTLP export");
                Check(System.Enum.IsDefined(otlp.Protocol), "Telemetry:Otlp:Protocol", otlp.Protocol, "Grpc or HttpProtobuf");
                Check(prometheus.Port is >= 0 and <= 65535, "Telemetry:Prometheus:Port", prometheus.Port, "a TCP port between 1 and 65535, or 0 for no endpoint");
                Check(!string.IsNullOrWhiteSpace(prometheus.Host), "Telemetry:Prometheus:Host", prometheus.Host, "a host name such as localhost, or + for every address");
                Check(prometheus.KeepServingSeconds is >= 0 and <= 3600, "Telemetry:Prometheus:KeepServingSeconds", prometheus.KeepServingSeconds, "between 0 and 3600");
            }

            var calibration = options.Calibration;
            Check(calibration is not null, "Calibration", null, "a section");
            if (calibration is not null)
            {
                Check(calibration.HeldOutFraction > 0 && calibration.HeldOutFraction <= 0.5, "Calibration:HeldOutFraction", calibration.HeldOutFraction, "a share in (0, 0.5], for example 0.1");
                Check(calibration.Coverage > 0 && calibration.Coverage < 1, "Calibration:Coverage", calibration.Coverage, "a coverage in (0, 1), for example 0.9");
            }

            var prune = options.Prune;
            Check(prune is not null, "Prune", null, "a section");
            if (prune is not null)
            {
                Check(prune.LogAlphaThreshold is null || Finite(prune.LogAlphaThreshold.Value), "Prune:LogAlphaThreshold", prune.LogAlphaThreshold, "a finite number, or unset for each noise family's default (3 for Gaussian noise, 1.115 for log-normal)");
                Check(System.Enum.IsDefined(prune.Initializers), "Prune:Initializers", prune.Initializers, "Dense or Sparse");
                Check(prune.FineTuneEpochs is >= 0 and <= 1_000_000, "Prune:FineTuneEpochs", prune.FineTuneEpochs, "between 0 and 1000000");
            }

            var parallel = options.DataParallel;
            Check(parallel is not null, "DataParallel", null, "a section");
            if (parallel is not null)
            {
                Check(System.Enum.IsDefined(parallel.Mode), "DataParallel:Mode", parallel.Mode, "Auto, Off or Mpi");
                Check(parallel.TimeoutSeconds is >= 1 and <= 86_400, "DataParallel:TimeoutSeconds", parallel.TimeoutSeconds, "between 1 and 86400");
            }

            var data = options.Data;
            Check(data is not null, "Data", null, "a section");
            if (data is not null)
            {
                Check(System.Enum.IsDefined(data.Source), "Data:Source", data.Source, "FashionMnist, Idx, Csv, ImageFolder or Synthetic");
                Check(!string.IsNullOrWhiteSpace(data.Path), "Data:Path", data.Path, "a folder path");
                bool file = data.Source == DataSourceKind.Csv;
                if ((data.Source is DataSourceKind.Idx or DataSourceKind.Csv or DataSourceKind.ImageFolder) && !string.IsNullOrWhiteSpace(data.Path))
                {
                    Check(file ? System.IO.File.Exists(data.Path) : System.IO.Directory.Exists(data.Path), "Data:Path", data.Path, file ? "an existing CSV file" : "an existing folder");
                }

                if (data.TestPath is not null)
                {
                    Check(data.Source is DataSourceKind.Csv or DataSourceKind.ImageFolder, "Data:TestPath", data.TestPath, "unset except for the Csv and ImageFolder sources (IDX folders hold their test files)");
                    Check(file ? System.IO.File.Exists(data.TestPath) : System.IO.Directory.Exists(data.TestPath), "Data:TestPath", data.TestPath, file ? "an existing CSV file" : "an existing folder");
                }

                Check(!string.IsNullOrWhiteSpace(data.LabelColumn), "Data:LabelColumn", data.LabelColumn, "a column header");
                Check(data.TrainSize is null or >= 1, "Data:TrainSize", data.TrainSize, "at least 1, or unset for the whole training set");
                Check(Finite(data.RandomLabelFraction) && data.RandomLabelFraction >= 0 && data.RandomLabelFraction <= 1, "Data:RandomLabelFraction", data.RandomLabelFraction, "between 0 and 1");
                Check(data.SyntheticExamples is >= 1 and <= 10_000_000, "Data:SyntheticExamples", data.SyntheticExamples, "between 1 and 10000000");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static bool IsDevice(string? device)
        {
            if (device is "auto" or "cpu" or "cuda")
            {
                return true;
            }

            return device is not null && device.StartsWith("cuda:", System.StringComparison.Ordinal) && device.Length > 5
                && int.TryParse(device.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
        }
    }
}
