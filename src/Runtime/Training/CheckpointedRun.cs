using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// A run's checkpoints beside the loop: where it starts (afresh, or from a checkpoint whose settings it checks against
    /// this run's and whose optimizer state and random streams it restores) and what each checkpoint records.
    /// </summary>
    internal sealed class CheckpointedRun(InformationNetwork network, TrainingSettings settings, DataParallelGroup? parallel, double beta, RunIdentity identity)
    {
        /// <summary>
        /// Where the run starts: epoch 1 with the seed's random streams, or the checkpoint's position with its optimizer
        /// state, random streams and reports restored and the settings' learning rates in force.
        /// </summary>
        public (int Epoch, long Batch, long Step, EpochAccumulator Accumulated) StartOrResume(TrainingCheckpoint? resumeFrom, List<SettingChange> changes,
            OptimizerHelper optimizer, double[] baseLearningRates, Generator shuffling, List<EpochReport> reports, long batchesPerEpoch)
        {
            if (resumeFrom is null)
            {
                TorchDevices.Seed(DataParallelGroup.NoiseSeed(settings.Seed, parallel?.Rank ?? 0));
                return (1, 0, 0, EpochAccumulator.Empty);
            }

            // A changed optimizer kind or momentum starts the optimizer afresh: the saved moments belong to the other one.
            Restore(resumeFrom, changes.Any(RunFingerprint.ChangesOptimizer) ? null : optimizer, shuffling);
            if (parallel is not null)
            {
                DataParallelTraining.RestoreRankStream(resumeFrom.Metadata, parallel, settings.Seed);
            }

            // The saved state carries the learning rates it was written with; the settings' rates are the ones in force.
            foreach (var (group, rate) in optimizer.ParamGroups.Zip(baseLearningRates))
            {
                group.LearningRate = rate;
            }

            reports.AddRange(resumeFrom.Metadata.Reports);
            var metadata = resumeFrom.Metadata;
            // N or the batch size may have changed at this epoch boundary: the step count follows the new epochs.
            return (metadata.Epoch, metadata.NextBatch, (metadata.Epoch - 1L) * batchesPerEpoch + metadata.NextBatch, metadata.Accumulated);
        }

        public void Write(CheckpointStore? checkpoints, bool writesCheckpoints, ITrainingObserver? observer, OptimizerHelper optimizer, Tensor shuffleState,
            List<EpochReport> reports, List<RunSegment> segments, int epoch, long nextBatch, long step, EpochAccumulator accumulated, long n)
        {
            if (!writesCheckpoints)
            {
                return;
            }

            byte[][]? rankStates = null;
            if (parallel is not null)
            {
                DataParallelTraining.AverageRunningStatistics(network, parallel);
                rankStates = parallel.GatherToRoot(CheckpointStore.Bytes(torch.random.get_rng_state()), "the checkpoint's gather of the noise streams");
            }

            if (checkpoints is null)
            {
                return;
            }

            var metadata = new CheckpointMetadata
            {
                Network = network.Description.Name,
                DeclarationHash = network.Description.DeclarationHash,
                NoiseFamily = string.Join(", ", network.Description.Layers.Where(l => l.Noise.Length > 0).Select(l => l.Noise).Distinct()),
                Beta = beta,
                TrainingExamples = n,
                Seed = settings.Seed,
                Epoch = epoch,
                NextBatch = nextBatch,
                Step = step,
                Accumulated = accumulated,
                Reports = reports.ToArray(),
                Settings = settings,
                Segments = segments.ToArray(),
                RankRandomStates = rankStates,
            };
            using (TrainingActivities.Start(TrainingActivities.CheckpointSpan, identity, nextBatch == 0 ? epoch - 1 : epoch))
            {
                checkpoints.Write(metadata, network, optimizer, shuffleState);
            }

            observer?.OnCheckpointWritten(checkpoints.FilePath, epoch, nextBatch);
        }


        /// <summary>
        /// Compares this run's settings with the checkpoint's last segment. Any difference is refused under
        /// <see cref="ResumePolicy.Strict"/>; under <see cref="ResumePolicy.AllowChanges"/> it opens a new segment, except a
        /// change of what orders the examples inside an epoch, which is refused there too.
        /// </summary>
        public (List<RunSegment> Segments, List<SettingChange> Changes) CheckResume(TrainingCheckpoint checkpoint, SortedDictionary<string, string> fingerprint)
        {
            var metadata = checkpoint.Metadata;
            var segments = metadata.Segments is { Count: > 0 } recorded
                ? recorded.ToList()
                : new List<RunSegment> { new(1, 0, RunFingerprint.Of(metadata.Settings, network.Description, metadata.TrainingExamples, metadata.Beta), Array.Empty<SettingChange>()) };
            var changes = RunFingerprint.Differences(segments[^1].Settings, fingerprint);
            if (metadata.Segments is null)
            {
                // A checkpoint from before the fingerprint did not record its data: nothing to compare that with.
                changes.RemoveAll(change => change.Checkpoint == RunFingerprint.Unrecorded);
            }

            if (changes.Count == 0)
            {
                return (segments, changes);
            }

            if (settings.Resume == ResumePolicy.Strict)
            {
                throw new ResumeMismatchException(checkpoint.Path, changes,
                    "Restore these settings, resume with Resume = AllowChanges to continue with the new values (recorded as a new run segment), " +
                    "or start afresh in another checkpoint folder.");
            }

            var orderChanges = changes.Where(RunFingerprint.ChangesOrder).ToList();
            if (orderChanges.Count > 0 && metadata.NextBatch != 0)
            {
                throw new ResumeMismatchException(checkpoint.Path, orderChanges,
                    $"The checkpoint stopped inside epoch {metadata.Epoch} (batch {metadata.NextBatch}), and these settings decide the order of the examples " +
                    "within an epoch: they can change only at an epoch boundary. Restore them to finish the epoch, or start afresh in another checkpoint folder.");
            }

            segments.Add(new RunSegment(metadata.Epoch, metadata.NextBatch, fingerprint, changes));
            return (segments, changes);
        }

        private static void Restore(TrainingCheckpoint checkpoint, OptimizerHelper? optimizer, Generator shuffling)
        {
            if (optimizer is not null)
            {
                using var reader = new System.IO.BinaryReader(new System.IO.MemoryStream(checkpoint.OptimizerState));
                optimizer.load_state_dict(reader);
            }

            using var globalState = torch.tensor(checkpoint.GlobalRandomState, dtype: uint8);
            torch.random.set_rng_state(globalState);
            using var shuffleState = torch.tensor(checkpoint.ShuffleStateAtEpochStart, dtype: uint8);
            shuffling.set_state(shuffleState);
        }
    }
}
