using System;
using System.Collections.Generic;

using Ibex.Runtime.Persistence;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// The values a checkpoint's metadata can hold. A checksum catches damage on the disk; these catch a file edited or
    /// written wrongly: an impossible position, counts that disagree, a non-finite number.
    /// </summary>
    internal static class CheckpointMetadataRules
    {
        public static void Check(string path, CheckpointMetadata metadata)
        {
            var problems = new List<string>();
            void Require(bool condition, string problem)
            {
                if (!condition)
                {
                    problems.Add(problem);
                }
            }

            Require(metadata.Settings is not null, "it has no settings");
            Require(metadata.Accumulated is not null, "it has no running sums");
            Require(metadata.Reports is not null, "it has no epoch reports");
            if (problems.Count > 0)
            {
                throw Fail(path, problems);
            }

            var settings = metadata.Settings!;
            try
            {
                settings.Validate();
            }
            catch (ArgumentException e)
            {
                problems.Add($"its settings are invalid ({e.Message})");
            }

            Require(metadata.TrainingExamples >= 1, $"N = {metadata.TrainingExamples}");
            Require(double.IsFinite(metadata.Beta) && metadata.Beta >= 0, $"β = {metadata.Beta}");
            if (problems.Count > 0 || settings.BatchSize < 1)
            {
                throw Fail(path, problems);
            }

            long batchesPerEpoch = (metadata.TrainingExamples + settings.BatchSize - 1) / settings.BatchSize;
            Require(metadata.Epoch >= 1 && metadata.Epoch <= settings.Epochs + 1, $"epoch {metadata.Epoch} is outside 1 … {settings.Epochs + 1}");
            Require(metadata.NextBatch >= 0 && metadata.NextBatch < batchesPerEpoch, $"batch {metadata.NextBatch} is outside 0 … {batchesPerEpoch - 1}");
            Require(metadata.Step == (metadata.Epoch - 1L) * batchesPerEpoch + metadata.NextBatch,
                $"step {metadata.Step} is not where epoch {metadata.Epoch}, batch {metadata.NextBatch} of {batchesPerEpoch} puts it");
            Require(metadata.Reports!.Count == metadata.Epoch - 1, $"it holds {metadata.Reports.Count} epoch reports for {metadata.Epoch - 1} completed epochs");
            for (int i = 0; i < metadata.Reports.Count && problems.Count == 0; i++)
            {
                Require(metadata.Reports[i] is { } report && report.Epoch == i + 1, $"report {i + 1} is not epoch {i + 1}'s");
            }

            var sums = metadata.Accumulated!;
            Require(sums.Batches == metadata.NextBatch, $"the epoch's running sums cover {sums.Batches} batches, not {metadata.NextBatch}");
            Require(sums.Seen == Math.Min(metadata.NextBatch * (long)settings.BatchSize, metadata.TrainingExamples),
                $"the epoch's running sums cover {sums.Seen} examples, not {Math.Min(metadata.NextBatch * (long)settings.BatchSize, metadata.TrainingExamples)}");
            Require(sums.Correct >= 0 && sums.Correct <= sums.Seen, $"{sums.Correct} correct of {sums.Seen}");
            Require(double.IsFinite(sums.LossSum) && double.IsFinite(sums.CrossEntropySum) && double.IsFinite(sums.Seconds) && sums.Seconds >= 0,
                "the epoch's running sums are not finite");
            if (problems.Count > 0)
            {
                throw Fail(path, problems);
            }
        }

        private static CheckpointException Fail(string path, List<string> problems)
            => CheckpointException.Damaged(path, $"its metadata is impossible: {string.Join("; ", problems)}. The file was edited or damaged.");
    }
}
