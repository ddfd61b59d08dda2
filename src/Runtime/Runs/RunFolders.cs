using System;
using System.IO;
using System.Text;
using Ibex.Runtime.Distributed;
using Ibex.Runtime.IO;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// A run's folders while it runs: the output folder checked writable, the checkpoint folder locked, and the checkpoint
    /// the run resumes from. In a data-parallel run rank 0 alone touches the folders and sends its checkpoint's bytes to the
    /// other ranks, which load it as it did (no shared folder needed); a refusal on rank 0 stops every rank.
    /// </summary>
    internal sealed class RunFolders : IDisposable
    {
        private readonly FolderLock? folderLock;

        private RunFolders(FolderLock? folderLock, CheckpointStore? store, TrainingCheckpoint? resume)
        {
            this.folderLock = folderLock;
            Store = store;
            Resume = resume;
        }

        /// <summary>Where rank 0 writes checkpoints; null on the other ranks and without a checkpoint folder.</summary>
        public CheckpointStore? Store { get; }

        /// <summary>The checkpoint the run continues, or null.</summary>
        public TrainingCheckpoint? Resume { get; }

        public static RunFolders Open(TrainingRunOptions options, InformationNetwork network)
        {
            var parallel = options.Training.DataParallel;
            RunFolders? opened = null;
            Exception? refusal = null;
            if (parallel?.IsRoot ?? true)
            {
                try
                {
                    opened = OpenHere(options.CheckpointDirectory is { } c ? Path.GetFullPath(c) : null, options.OutputDirectory is { } o ? Path.GetFullPath(o) : null, options.FolderSettingNames, network);
                }
                catch (Exception e) when (parallel is not null)
                {
                    refusal = e;
                }
            }

            if (parallel is null)
            {
                return opened!;
            }

            try
            {
                var resume = Share(parallel, network, refusal, opened?.Resume, options.CheckpointDirectory is not null);
                return parallel.IsRoot ? opened! : new RunFolders(null, null, resume);
            }
            catch
            {
                opened?.Dispose();
                throw;
            }
        }

        public void Dispose() => folderLock?.Dispose();

        private static RunFolders OpenHere(string? checkpointDirectory, string? outputDirectory, (string Checkpoints, string Output) names, InformationNetwork network)
        {
            if (outputDirectory is not null)
            {
                FolderProbe.RequireWritable(outputDirectory, names.Output);
            }

            if (checkpointDirectory is null)
            {
                return new RunFolders(null, null, null);
            }

            FolderProbe.RequireWritable(checkpointDirectory, names.Checkpoints);
            var folderLock = FolderLock.Acquire(checkpointDirectory);
            try
            {
                AtomicFile.RemoveStaleTemporaries(checkpointDirectory, lockedByThisProcess: true);
                if (outputDirectory is not null)
                {
                    AtomicFile.RemoveStaleTemporaries(outputDirectory, lockedByThisProcess: false);
                }

                var store = new CheckpointStore(checkpointDirectory);
                return new RunFolders(folderLock, store, store.TryLoad(network));
            }
            catch
            {
                folderLock.Dispose();
                throw;
            }
        }

        /// <summary>Rank 0's refusal on every rank, or the bytes of the checkpoint it resumes from.</summary>
        private static TrainingCheckpoint? Share(DataParallelGroup group, InformationNetwork network, Exception? refusal, TrainingCheckpoint? resume, bool checkpoints)
        {
            bool refused = group.Any(refusal is not null, "rank 0's checks of the checkpoint and output folders");
            if (refusal is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refusal).Throw();
            }

            if (refused)
            {
                throw new DataParallelException($"Rank {group.Rank} of {group.Size}: rank 0 refused to start the run; its log says why and what to do.");
            }

            if (!checkpoints)
            {
                return null;
            }

            byte[] bytes = group.BroadcastBytes(group.IsRoot ? (resume is null ? Array.Empty<byte>() : File.ReadAllBytes(resume.Path)) : null, "the checkpoint from rank 0");
            byte[] path = group.BroadcastBytes(group.IsRoot ? Encoding.UTF8.GetBytes(resume?.Path ?? "") : null, "the checkpoint's path from rank 0");
            if (group.IsRoot || bytes.Length == 0)
            {
                return resume;
            }

            return CheckpointStore.Parse(network, bytes, $"{Encoding.UTF8.GetString(path)} (from rank 0)");
        }
    }
}
