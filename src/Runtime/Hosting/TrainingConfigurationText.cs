using System;
using System.Collections.Generic;
using System.Globalization;
using Ibex.Runtime.Training;
using Microsoft.Extensions.Configuration;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// Reads the text of every typed <c>Ibex:Training</c> value before binding, so that "Beta = abc" or an Epochs beyond
    /// int's range is one line naming the key (reported with the other invalid options), not the binder's exception.
    /// </summary>
    internal static class TrainingConfigurationText
    {
        private enum Kind
        {
            Number,
            WholeNumber,
            LongWholeNumber,
            Boolean,
        }

        private static readonly (string Key, Kind Kind)[] TypedKeys =
        {
            ("Beta", Kind.Number), ("LearningRate", Kind.Number), ("LogAlphaLearningRate", Kind.Number), ("Momentum", Kind.Number),
            ("Epochs", Kind.WholeNumber), ("BatchSize", Kind.WholeNumber), ("BetaWarmupEpochs", Kind.WholeNumber),
            ("CheckpointIntervalEpochs", Kind.WholeNumber), ("EvaluationBatchSize", Kind.WholeNumber), ("MonteCarloSamples", Kind.WholeNumber),
            ("Seed", Kind.LongWholeNumber), ("AllowLibTorchVersionMismatch", Kind.Boolean), ("ExportOnnx", Kind.Boolean),
            ("Calibration:Enabled", Kind.Boolean), ("Calibration:HeldOutFraction", Kind.Number), ("Calibration:Coverage", Kind.Number), ("Calibration:RandomizedSets", Kind.Boolean),
            ("Prune:Enabled", Kind.Boolean), ("Prune:LogAlphaThreshold", Kind.Number), ("Prune:RemoveUnits", Kind.Boolean), ("Prune:FineTuneEpochs", Kind.WholeNumber),
            ("Data:Standardize", Kind.Boolean), ("Data:TrainSize", Kind.WholeNumber), ("Data:RandomLabelFraction", Kind.Number),
            ("Data:LabelSeed", Kind.LongWholeNumber), ("Data:SyntheticExamples", Kind.WholeNumber), ("DataParallel:TimeoutSeconds", Kind.WholeNumber),
            ("HtmlReport", Kind.Boolean), ("TensorBoard:HistogramIntervalEpochs", Kind.WholeNumber),
            ("Telemetry:Prometheus:Port", Kind.WholeNumber), ("Telemetry:Prometheus:KeepServingSeconds", Kind.WholeNumber),
        };

        private static readonly (string Key, string[] Names)[] EnumKeys =
        {
            ("Optimizer", Enum.GetNames<OptimizerKind>()),
            ("Schedule", Enum.GetNames<LearningRateSchedule>()),
            ("Resume", Enum.GetNames<ResumePolicy>()),
            ("Data:Source", Enum.GetNames<DataSourceKind>()),
            ("Prune:Initializers", Enum.GetNames<Export.OnnxInitializers>()),
            ("DataParallel:Mode", Enum.GetNames<DataParallelMode>()),
            ("Telemetry:Otlp:Protocol", Enum.GetNames<OtlpTransport>()),
        };

        /// <summary>One line per value that cannot be bound, in the validator's wording; empty when all can.</summary>
        public static List<string> Problems(IConfigurationSection section)
        {
            var problems = new List<string>();
            foreach (var (key, kind) in TypedKeys)
            {
                string? text = section[key];
                if (text is null || (text.Length == 0 && key is "Beta" or "Data:TrainSize"))
                {
                    continue;
                }

                string? expected = kind switch
                {
                    Kind.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "a number (like 0.01 or 1e-3)",
                    Kind.WholeNumber => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : $"a whole number within {int.MinValue} … {int.MaxValue}",
                    Kind.LongWholeNumber => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : $"a whole number within {long.MinValue} … {long.MaxValue}",
                    _ => bool.TryParse(text, out _) ? null : "true or false",
                };
                if (expected is not null)
                {
                    problems.Add($"{TrainingOptions.SectionName}:{key} = {text} is not {expected}.");
                }
            }

            foreach (var (key, names) in EnumKeys)
            {
                string? text = section[key];
                if (text is not null && Array.FindIndex(names, name => string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase)) < 0)
                {
                    problems.Add($"{TrainingOptions.SectionName}:{key} = {text} is not one of {string.Join(", ", names)}.");
                }
            }

            return problems;
        }
    }
}
