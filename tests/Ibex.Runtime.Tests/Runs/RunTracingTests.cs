using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;
using OpenTelemetry;
using OpenTelemetry.Trace;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Runs;

/// <summary>A run's spans, as OpenTelemetry's in-memory exporter receives them: names, nesting and attributes.</summary>
public sealed class RunTracingTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "ibex-trace-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void EveryStageIsASpanUnderTheRunCarryingTheNetworkBetaAndFingerprint()
    {
        long seed = Random.Shared.NextInt64(1, 1_000_000);
        int epochs = Random.Shared.Next(2, 4);
        double beta = Math.Round(Random.Shared.NextDouble() * 1e-2, 6);
        using var all = SyntheticClusters.Create(600, 16, 4, seed, separation: 2.0);
        var (train, test) = all.Split(1.0 / 6, seed);
        using var _ = train;
        using var __ = test;
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        var options = new TrainingRunOptions
        {
            Training = new TrainingSettings { Epochs = epochs, BatchSize = 50, Seed = seed, Beta = beta },
            OutputDirectory = Path.Combine(folder, "output"),
            CheckpointDirectory = Path.Combine(folder, "checkpoints"),
            MonteCarloSamples = 2,
            ExportOnnx = true,
            Prune = new RunPruning(),
        };

        var spans = new List<Activity>();
        RunReport report;
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(TrainingActivities.SourceName).AddInMemoryExporter(spans).Build())
        using (var run = new TrainingRun<SmallClassifier>(network, options))
        {
            report = run.Run(train, test).Report!;
            tracing.ForceFlush();
        }

        // Other tests' runs may be traced by this provider too: keep this run's.
        spans = spans.Where(s => (string?)s.GetTagItem(TrainingActivities.FingerprintAttribute) == report.Fingerprint).ToList();
        var runSpan = Assert.Single(spans, s => s.OperationName == TrainingActivities.RunSpan);
        var byName = spans.GroupBy(s => s.OperationName).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(epochs, byName[TrainingActivities.EpochSpan].Count);
        Assert.Equal(Enumerable.Range(1, epochs), byName[TrainingActivities.EpochSpan].Select(s => (int)s.GetTagItem(TrainingActivities.EpochAttribute)!).Order());
        // One evaluation after each epoch and the final one; a checkpoint after each epoch; pruning; the two ONNX exports.
        Assert.Equal(epochs + 1, byName[TrainingActivities.EvaluationSpan].Count);
        Assert.Equal(epochs, byName[TrainingActivities.CheckpointSpan].Count);
        Assert.Single(byName[TrainingActivities.PruningSpan]);
        Assert.Equal(2, byName[TrainingActivities.ExportSpan].Count);
        Assert.Equal(6, byName.Count);

        foreach (var span in spans)
        {
            Assert.Equal("SmallClassifier", span.GetTagItem(TrainingActivities.NetworkAttribute));
            Assert.Equal(beta, span.GetTagItem(TrainingActivities.BetaAttribute));
            Assert.Equal(runSpan.TraceId, span.TraceId);
            Assert.True(span.Duration > TimeSpan.Zero, span.OperationName);
            if (span != runSpan)
            {
                // Nested within the run, in time and as a child (directly, or through its epoch or pruning span).
                Assert.True(span.StartTimeUtc >= runSpan.StartTimeUtc && span.StartTimeUtc + span.Duration <= runSpan.StartTimeUtc + runSpan.Duration, span.OperationName);
                var parent = spans.Single(s => s.SpanId == span.ParentSpanId);
                Assert.Contains(parent.OperationName, new[] { TrainingActivities.RunSpan, TrainingActivities.EpochSpan, TrainingActivities.PruningSpan });
            }
        }

        foreach (var epoch in byName[TrainingActivities.EpochSpan])
        {
            int number = (int)epoch.GetTagItem(TrainingActivities.EpochAttribute)!;
            Assert.Equal(runSpan.SpanId, epoch.ParentSpanId);
            Assert.Single(byName[TrainingActivities.EvaluationSpan], s => s.ParentSpanId == epoch.SpanId && (int?)s.GetTagItem(TrainingActivities.EpochAttribute) == number);
            Assert.Single(byName[TrainingActivities.CheckpointSpan], s => s.ParentSpanId == epoch.SpanId && (int?)s.GetTagItem(TrainingActivities.EpochAttribute) == number);
        }

        Assert.Equal(16, report.Fingerprint.Length);
    }
}
