using System;
using Ibex.Runtime.Compression;
using Ibex.Runtime.Export;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// What a <see cref="TrainingRun{TNetwork}"/> does: train with <see cref="Training"/>, then, in this order, save the
    /// network, evaluate it (mean network and Monte-Carlo predictive), export ONNX, prune and write the report. Every stage
    /// after training is optional; with no <see cref="OutputDirectory"/> nothing is written and the result stays in memory.
    /// </summary>
    public sealed record TrainingRunOptions
    {
        /// <summary>The trainer's settings: epochs, batch size, optimizer, schedule, β, seed, data parallelism.</summary>
        public TrainingSettings Training { get; init; } = new();

        /// <summary>Where checkpoints are written and the run resumes from (locked while it runs); null: no checkpoints.</summary>
        public string? CheckpointDirectory { get; init; }

        /// <summary>Where the network (<see cref="RunFiles.Network"/>), the report and any ONNX files go; null: write nothing.</summary>
        public string? OutputDirectory { get; init; }

        /// <summary>S, the weight samples of the final Monte-Carlo evaluation on the test set; 0 skips it.</summary>
        public int MonteCarloSamples { get; init; } = 16;

        /// <summary>Whether to export the mean network as ONNX (<see cref="RunFiles.Onnx"/>; needs an output folder).</summary>
        public bool ExportOnnx { get; init; }

        /// <summary>Calibration on held-out training examples before the network is saved, or null (default) for none.</summary>
        public RunCalibration? Calibration { get; init; }

        /// <summary>Prune after training (on a copy: the saved network keeps every weight); null: no pruning.</summary>
        public RunPruning? Prune { get; init; }

        /// <summary>
        /// A saved network (<c>network.ibexnet</c> of an earlier run of the same declaration, such as a
        /// <see cref="TrainingSettings.Dense"/> one) whose weights and log α the run starts from instead of the
        /// initialization; null: start from the initialization. Ignored when the run resumes from a checkpoint, which
        /// holds the weights it continues. In a data-parallel run every rank loads it.
        /// </summary>
        public string? WarmStart { get; init; }

        /// <summary>Whether to write <see cref="RunFiles.ReportPage"/>, a self-contained HTML page of the report's plots, beside <c>report.json</c> (needs an output folder).</summary>
        public bool HtmlReport { get; init; } = true;

        /// <summary>Where to write TensorBoard event files, and how often the log α histograms; null (the default): none.</summary>
        public TensorBoardOptions? TensorBoard { get; init; }

        /// <summary>How error messages name <see cref="CheckpointDirectory"/> and <see cref="OutputDirectory"/>: a host passes its configuration keys.</summary>
        public (string Checkpoints, string Output) FolderSettingNames { get; init; } = (nameof(CheckpointDirectory), nameof(OutputDirectory));

        /// <summary>What the run trains on, in words, for the report (a file path, "Fashion-MNIST", …).</summary>
        public string DataDescription { get; init; } = "in-memory data";

        /// <summary>Throws <see cref="ArgumentException"/> naming the first option that cannot work.</summary>
        public void Validate()
        {
            Training.Validate();
            if (MonteCarloSamples < 0)
            {
                throw new ArgumentException($"MonteCarloSamples = {MonteCarloSamples}: use 0 to skip the Monte-Carlo evaluation, or a number of weight samples such as 16.", nameof(MonteCarloSamples));
            }

            if (ExportOnnx && OutputDirectory is null)
            {
                throw new ArgumentException("ExportOnnx needs an OutputDirectory to write the ONNX file to.", nameof(ExportOnnx));
            }

            TensorBoard?.Validate();
            if (WarmStart is not null && !System.IO.File.Exists(WarmStart))
            {
                throw new ArgumentException($"WarmStart = {WarmStart}: no such file; name the network.ibexnet of the run to start from (a dense run's, for example).", nameof(WarmStart));
            }

            if (Prune is { FineTuneEpochs: < 0 })
            {
                throw new ArgumentException($"Prune.FineTuneEpochs = {Prune.FineTuneEpochs}: use 0 (no fine-tuning) or more.", nameof(Prune));
            }
        }
    }

    /// <summary>The pruning stage of a run.</summary>
    public sealed record RunPruning
    {
        /// <summary>The log α threshold and whether whole units are removed.</summary>
        public PruningOptions Pruning { get; init; } = new();

        /// <summary>Epochs of training with the pruned weights held at 0 before the pruned network is measured and exported.</summary>
        public int FineTuneEpochs { get; init; }

        /// <summary>How the pruned ONNX file stores its weights.</summary>
        public OnnxInitializers Initializers { get; init; } = OnnxInitializers.Sparse;
    }

    /// <summary>The names of what a run writes to its output folder.</summary>
    public static class RunFiles
    {
        /// <summary>The run report.</summary>
        public const string Report = "report.json";

        /// <summary>The trained network.</summary>
        public const string Network = "network.ibexnet";

        /// <summary>The mean network as ONNX.</summary>
        public const string Onnx = "network.onnx";

        /// <summary>The run report as a self-contained HTML page with its plots.</summary>
        public const string ReportPage = "report.html";

        /// <summary>The pruned mean network as ONNX.</summary>
        public const string PrunedOnnx = "network.pruned.onnx";
    }
}
