using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// The settings that define a run, as text: what a checkpoint records and a resume is compared against. Epochs, the
    /// checkpoint interval and evaluation settings are left out: changing them does not change what the run trains.
    /// </summary>
    internal static class RunFingerprint
    {
        /// <summary>Keys whose change alters the order of the examples, accepted only at an epoch boundary.</summary>
        private static readonly string[] OrderKeys = { nameof(TrainingSettings.BatchSize), nameof(TrainingSettings.Seed), "TrainingExamples" };

        public static SortedDictionary<string, string> Of(TrainingSettings settings, NetworkDescription network, long trainingExamples, double beta)
        {
            var fingerprint = new SortedDictionary<string, string>(System.StringComparer.Ordinal)
            {
                ["DeclarationHash"] = network.DeclarationHash,
                ["TrainingExamples"] = Text(trainingExamples),
                [nameof(TrainingSettings.Beta)] = Text(beta),
                [nameof(TrainingSettings.BetaWarmupEpochs)] = Text(settings.BetaWarmupEpochs),
                [nameof(TrainingSettings.BatchSize)] = Text(settings.BatchSize),
                [nameof(TrainingSettings.Seed)] = Text(settings.Seed),
                [nameof(TrainingSettings.Optimizer)] = settings.Optimizer.ToString(),
                [nameof(TrainingSettings.LearningRate)] = Text(settings.LearningRate),
                [nameof(TrainingSettings.LogAlphaLearningRate)] = Text(settings.LogAlphaLearningRate),
                [nameof(TrainingSettings.Schedule)] = settings.Schedule.ToString(),
            };
            if (settings.Dense)
            {
                // Recorded only when set, so that the checkpoints of stochastic runs keep their fingerprint.
                fingerprint[nameof(TrainingSettings.Dense)] = "true";
            }

            if (settings.Optimizer == OptimizerKind.Sgd)
            {
                fingerprint[nameof(TrainingSettings.Momentum)] = Text(settings.Momentum);
            }

            if (settings.DataParallel is { Size: > 1 } group)
            {
                // Each rank draws its own noise stream: another number of ranks trains on other noise.
                fingerprint["DataParallelRanks"] = Text(group.Size);
            }

            foreach (var (key, value) in settings.DataFingerprint ?? new Dictionary<string, string>())
            {
                fingerprint["Data:" + key] = value;
            }

            return fingerprint;
        }

        /// <summary>How a setting the checkpoint did not record appears in a difference.</summary>
        public const string Unrecorded = "(none)";

        public static List<SettingChange> Differences(IReadOnlyDictionary<string, string> checkpoint, IReadOnlyDictionary<string, string> now)
            => checkpoint.Keys.Union(now.Keys).OrderBy(k => k, System.StringComparer.Ordinal)
                .Select(key => new SettingChange(key, checkpoint.GetValueOrDefault(key, Unrecorded), now.GetValueOrDefault(key, Unrecorded)))
                .Where(change => change.Checkpoint != change.Now)
                .ToList();

        public static bool ChangesOrder(SettingChange change) => OrderKeys.Contains(change.Name) || change.Name.StartsWith("Data:", System.StringComparison.Ordinal);

        /// <summary>Whether the optimizer's saved state no longer fits (another kind, or another momentum).</summary>
        public static bool ChangesOptimizer(SettingChange change) => change.Name is nameof(TrainingSettings.Optimizer) or nameof(TrainingSettings.Momentum);

        private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
