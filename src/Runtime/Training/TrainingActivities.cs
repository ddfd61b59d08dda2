using System.Diagnostics;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// The spans a run emits on the <see cref="ActivitySource"/> <c>Ibex.Training</c>: the run, each epoch, each evaluation,
    /// each checkpoint write, pruning and ONNX export. Every span carries the network's name, β and the run's fingerprint
    /// (<see cref="NetworkAttribute"/>, <see cref="BetaAttribute"/>, <see cref="FingerprintAttribute"/>). Nothing is recorded
    /// unless a listener (OpenTelemetry's <c>AddSource(TrainingActivities.SourceName)</c>) subscribes.
    /// </summary>
    public static class TrainingActivities
    {
        /// <summary>The activity source's name.</summary>
        public const string SourceName = "Ibex.Training";

        /// <summary>A whole run: training and every stage after it.</summary>
        public const string RunSpan = "ibex.run";

        /// <summary>One epoch: its optimizer steps, the end-of-epoch evaluation and its checkpoint.</summary>
        public const string EpochSpan = "ibex.epoch";

        /// <summary>An evaluation on held-out data: after an epoch, or the final mean-network and Monte-Carlo evaluation.</summary>
        public const string EvaluationSpan = "ibex.evaluate";

        /// <summary>One checkpoint write.</summary>
        public const string CheckpointSpan = "ibex.checkpoint";

        /// <summary>Pruning a copy of the trained network, its fine-tuning and measurement included.</summary>
        public const string PruningSpan = "ibex.prune";

        /// <summary>Writing an ONNX file.</summary>
        public const string ExportSpan = "ibex.export";

        /// <summary>The network's class name.</summary>
        public const string NetworkAttribute = "ibex.network";

        /// <summary>β in force.</summary>
        public const string BetaAttribute = "ibex.beta";

        /// <summary>The run's fingerprint: a hash of the settings that define what it trains (the run report has it too).</summary>
        public const string FingerprintAttribute = "ibex.run.fingerprint";

        /// <summary>The 1-based epoch of an epoch, evaluation or checkpoint span.</summary>
        public const string EpochAttribute = "ibex.epoch.number";

        internal static readonly ActivitySource Source = new(SourceName, typeof(TrainingActivities).Assembly.GetName().Version?.ToString());

        /// <summary>Starts <paramref name="name"/> for <paramref name="run"/>; null when nothing listens.</summary>
        internal static Activity? Start(string name, RunIdentity run, int? epoch = null)
        {
            var activity = Source.StartActivity(name, ActivityKind.Internal);
            if (activity is null)
            {
                return null;
            }

            activity.SetTag(NetworkAttribute, run.Network);
            activity.SetTag(BetaAttribute, run.Beta);
            activity.SetTag(FingerprintAttribute, run.Fingerprint);
            if (epoch is { } number)
            {
                activity.SetTag(EpochAttribute, number);
            }

            return activity;
        }
    }
}
