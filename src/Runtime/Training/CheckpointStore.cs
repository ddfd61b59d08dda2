using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using Ibex.Runtime.Persistence;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Keeps a run's checkpoints in one folder: the latest, replaced atomically, and the one before it, so that a crash or a
    /// SIGKILL at any moment, or a damaged latest file, still leaves a good checkpoint. Each holds the weights and every ρ,
    /// the optimizer's state, both random streams and the metadata needed to resume exactly (<see cref="CheckpointMetadata"/>),
    /// every section with its checksum.
    /// </summary>
    public sealed class CheckpointStore
    {
        /// <summary>The latest checkpoint's file name inside the folder.</summary>
        public const string FileName = "latest.ibexckpt";

        /// <summary>The file name of the checkpoint before the latest.</summary>
        public const string PreviousFileName = "previous.ibexckpt";

        private static readonly byte[] Magic = "IBEXCKPT"u8.ToArray();

        /// <summary>Whether the latest file failed verification and could not be set aside: the next write replaces it instead of keeping it as the previous.</summary>
        private bool latestFailedVerification;

        /// <summary>Uses <paramref name="directory"/> (created on first write).</summary>
        public CheckpointStore(string directory)
        {
            Directory = directory;
        }

        /// <summary>The checkpoint folder.</summary>
        public string Directory { get; }

        /// <summary>The latest checkpoint file.</summary>
        public string FilePath => Path.Combine(Directory, FileName);

        /// <summary>The checkpoint before the latest.</summary>
        public string PreviousFilePath => Path.Combine(Directory, PreviousFileName);

        /// <summary>
        /// Writes a checkpoint atomically; the latest one becomes the previous, unless it failed verification when it was
        /// loaded: a file that does not verify never becomes the fallback.
        /// </summary>
        public void Write(CheckpointMetadata metadata, InformationNetwork network, OptimizerHelper optimizer, torch.Tensor shuffleStateAtEpochStart)
        {
            byte[] weights = BinarySections.Capture(writer => network.save(writer));
            byte[] optimizerState = BinarySections.Capture(optimizer.save_state_dict);
            byte[] globalRandom = Bytes(torch.random.get_rng_state());
            byte[] shuffle = Bytes(shuffleStateAtEpochStart);
            string json = JsonSerializer.Serialize(metadata, TrainingJsonContext.Default.CheckpointMetadata);

            IO.AtomicFile.Write(FilePath, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                BinarySections.WriteHeader(writer, Magic);
                BinarySections.WriteSection(writer, json);
                BinarySections.WriteSection(writer, weights);
                BinarySections.WriteSection(writer, optimizerState);
                BinarySections.WriteSection(writer, globalRandom);
                BinarySections.WriteSection(writer, shuffle);
            }, keepPreviousAs: latestFailedVerification ? null : PreviousFilePath);
            latestFailedVerification = false;
        }

        /// <summary>
        /// Loads the latest checkpoint into <paramref name="network"/> (null when the folder holds none). Every section is
        /// verified and the metadata range-checked before anything in the network changes. When the latest is damaged and
        /// the previous verifies, the previous is loaded, the damaged file is set aside as
        /// <c>latest.damaged-{UTC time}.ibexckpt</c> (so that the next write cannot rotate it into the previous' place), and
        /// <see cref="TrainingCheckpoint.Warning"/> says both. Throws
        /// <see cref="CheckpointException"/> when neither verifies (naming both), or when a sound checkpoint belongs to a
        /// different network or declaration; the network is left untouched then.
        /// </summary>
        public TrainingCheckpoint? TryLoad(InformationNetwork network)
        {
            bool hasLatest = File.Exists(FilePath), hasPrevious = File.Exists(PreviousFilePath);
            if (!hasLatest && !hasPrevious)
            {
                return null;
            }

            if (!hasLatest)
            {
                // A stop between the two renames of a write leaves only the previous checkpoint.
                return Load(network, PreviousFilePath) with { Warning = $"{FilePath} is missing; resumed from the previous checkpoint {PreviousFilePath}." };
            }

            try
            {
                return Load(network, FilePath);
            }
            catch (CheckpointException latest) when (latest.IsDamage && hasPrevious)
            {
                try
                {
                    var previous = Load(network, PreviousFilePath);
                    return previous with
                    {
                        Warning = $"{latest.Message} Resumed from the previous checkpoint {PreviousFilePath} instead " +
                                  $"(epoch {previous.Metadata.Epoch}, batch {previous.Metadata.NextBatch}); the work since then is repeated. {SetAsideDamagedLatest()}",
                    };
                }
                catch (CheckpointException previous) when (previous.IsDamage)
                {
                    throw CheckpointException.Damaged(FilePath,
                        $"neither checkpoint verifies. Latest: {latest.Message} Previous: {previous.Message} " +
                        "Delete the checkpoint folder (or point Ibex at another) to start afresh.", latest);
                }
            }
        }

        /// <summary>Moves the latest file, which failed verification, out of the rotation; says where it went.</summary>
        private string SetAsideDamagedLatest()
        {
            string aside = Path.Combine(Directory, $"latest.damaged-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.ibexckpt");
            try
            {
                File.Move(FilePath, aside, overwrite: false);
                return $"The damaged file is kept as {aside}; the previous checkpoint stays the fallback.";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                latestFailedVerification = true;
                return $"The damaged file could not be set aside ({e.Message}); the next checkpoint replaces it, and the previous checkpoint stays the fallback.";
            }
        }

        private static TrainingCheckpoint Load(InformationNetwork network, string path)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CheckpointException(path, $"the checkpoint cannot be read ({e.Message}).", e);
            }

            return Parse(network, bytes, path);
        }

        /// <summary>
        /// Settings that files of an older Ibex did not write take their defaults. The source-generated reader gives an
        /// init-only property missing from the JSON default(T), not its initializer, so a 0 that no valid file can hold is
        /// read as "not written".
        /// </summary>
        private static CheckpointMetadata WithDefaultsForUnwrittenSettings(CheckpointMetadata metadata)
        {
            if (metadata.Settings is { EvaluationMemoryBudgetBytes: 0 } settings)
            {
                return metadata with { Settings = settings with { EvaluationMemoryBudgetBytes = new TrainingSettings().EvaluationMemoryBudgetBytes } };
            }

            return metadata;
        }

        /// <summary>
        /// Reads a checkpoint from its <paramref name="bytes"/> (the other ranks of a data-parallel run get rank 0's file this
        /// way) and loads its weights into <paramref name="network"/>, with the checks of <see cref="TryLoad"/>.
        /// </summary>
        internal static TrainingCheckpoint Parse(InformationNetwork network, byte[] bytes, string path)
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            int version = BinarySections.ReadHeader(reader, path, Magic, "checkpoint");
            var metadata = WithDefaultsForUnwrittenSettings(BinarySections.ReadJson(reader, path, "metadata", version, TrainingJsonContext.Default.CheckpointMetadata));
            CheckpointMetadataRules.Check(path, metadata);

            var description = network.Description;
            if (metadata.DeclarationHash != description.DeclarationHash)
            {
                throw new CheckpointException(path,
                    $"it was written for network '{metadata.Network}' with declaration hash {metadata.DeclarationHash}, but this run trains " +
                    $"'{description.Name}' with declaration hash {description.DeclarationHash} (a different network, or the same class with changed " +
                    "layers). Point the checkpoint folder elsewhere, or delete it to start afresh.");
            }

            byte[] weights = BinarySections.ReadSection(reader, path, "weights", version);
            byte[] optimizerState = BinarySections.ReadSection(reader, path, "optimizer state", version);
            byte[] globalRandom = BinarySections.ReadSection(reader, path, "random state", version);
            byte[] shuffle = BinarySections.ReadSection(reader, path, "shuffle state", version);
            BinarySections.ReadEnd(reader, path);
            WeightsSection.Load(network, weights, path);
            return new TrainingCheckpoint(path, metadata, optimizerState, globalRandom, shuffle);
        }

        internal static byte[] Bytes(torch.Tensor state)
        {
            using var cpu = state.cpu();
            return cpu.data<byte>().ToArray();
        }
    }
}
