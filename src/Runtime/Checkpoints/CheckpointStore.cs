using System;
using System.IO;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Checkpoints
{
    /// <summary>
    /// Keeps the latest checkpoint of a run in one file, replaced atomically, so that a crash or a SIGKILL at any moment
    /// leaves the previous checkpoint intact. It holds the weights and every ρ, the optimizer's state, both random
    /// streams, and the metadata needed to resume exactly (<see cref="CheckpointMetadata"/>).
    /// </summary>
    public sealed class CheckpointStore
    {
        /// <summary>The checkpoint's file name inside the folder.</summary>
        public const string FileName = "latest.ibexckpt";

        private const int FormatVersion = 1;
        private static readonly byte[] Magic = "IBEXCKPT"u8.ToArray();

        /// <summary>Uses <paramref name="directory"/> (created on first write).</summary>
        public CheckpointStore(string directory)
        {
            Directory = directory;
        }

        /// <summary>The checkpoint folder.</summary>
        public string Directory { get; }

        /// <summary>The checkpoint file.</summary>
        public string FilePath => Path.Combine(Directory, FileName);

        /// <summary>Writes a checkpoint, replacing the previous one atomically.</summary>
        public void Write(CheckpointMetadata metadata, InformationNetwork network, OptimizerHelper optimizer, torch.Tensor shuffleStateAtEpochStart)
        {
            byte[] weights = BinarySections.Capture(writer => network.save(writer));
            byte[] optimizerState = BinarySections.Capture(optimizer.save_state_dict);
            byte[] globalRandom = Bytes(torch.random.get_rng_state());
            byte[] shuffle = Bytes(shuffleStateAtEpochStart);
            string json = JsonSerializer.Serialize(metadata, IbexJsonContext.Default.CheckpointMetadata);

            IO.AtomicFile.Write(FilePath, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                BinarySections.WriteHeader(writer, Magic, FormatVersion);
                BinarySections.WriteSection(writer, json);
                BinarySections.WriteSection(writer, weights);
                BinarySections.WriteSection(writer, optimizerState);
                BinarySections.WriteSection(writer, globalRandom);
                BinarySections.WriteSection(writer, shuffle);
            });
        }

        /// <summary>
        /// Loads the checkpoint into <paramref name="network"/> when there is one (null when the folder holds none).
        /// Throws <see cref="CheckpointException"/> when it is corrupt or belongs to a different network or declaration;
        /// the network is left untouched then.
        /// </summary>
        public TrainingCheckpoint? TryLoad(InformationNetwork network)
        {
            if (!File.Exists(FilePath))
            {
                return null;
            }

            using var reader = new BinaryReader(File.OpenRead(FilePath), Encoding.UTF8);
            BinarySections.ReadHeader(reader, FilePath, Magic, FormatVersion, "checkpoint");
            var metadata = BinarySections.ReadJson(reader, FilePath, "metadata", IbexJsonContext.Default.CheckpointMetadata);

            var description = network.Description;
            if (metadata.DeclarationHash != description.DeclarationHash)
            {
                throw new CheckpointException(FilePath,
                    $"it was written for network '{metadata.Network}' with declaration hash {metadata.DeclarationHash}, but this run trains " +
                    $"'{description.Name}' with declaration hash {description.DeclarationHash} (a different network, or the same class with changed " +
                    "layers). Point the checkpoint folder elsewhere, or delete it to start afresh.");
            }

            byte[] weights = BinarySections.ReadSection(reader, FilePath, "weights");
            byte[] optimizerState = BinarySections.ReadSection(reader, FilePath, "optimizer state");
            byte[] globalRandom = BinarySections.ReadSection(reader, FilePath, "random state");
            byte[] shuffle = BinarySections.ReadSection(reader, FilePath, "shuffle state");
            LoadWeights(network, weights, FilePath);
            return new TrainingCheckpoint(FilePath, metadata, optimizerState, globalRandom, shuffle);
        }

        internal static void LoadWeights(InformationNetwork network, byte[] weights, string path)
        {
            try
            {
                using var reader = new BinaryReader(new MemoryStream(weights));
                network.load(reader, strict: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
            {
                throw new CheckpointException(path, $"its weights do not fit {network.Description.Name} ({e.Message}).", e);
            }
        }

        internal static byte[] Bytes(torch.Tensor state)
        {
            using var cpu = state.cpu();
            return cpu.data<byte>().ToArray();
        }
    }
}
