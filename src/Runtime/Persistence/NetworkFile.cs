using System;
using System.IO;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;

namespace Ibex.Runtime.Persistence
{
    /// <summary>
    /// Saves a trained network as a bundle of what prediction needs: its declaration hash, the input standardization and
    /// class names it was trained with and the calibration fitted after training (<see cref="SavedPrediction"/>), and its weights; and loads it back only into the same
    /// declaration. The weights inside are TorchSharp's own format; <see cref="ExportPyTorch"/> writes a file PyTorch's
    /// <c>torch.load</c> reads (weights only).
    /// </summary>
    public static class NetworkFile
    {
        private static readonly byte[] Magic = "IBEXNET1"u8.ToArray();

        /// <summary>Writes <paramref name="network"/> to <paramref name="path"/>, atomically.</summary>
        public static void Save(InformationNetwork network, string path)
        {
            var header = new SavedNetworkHeader(network.Description.Name, network.Description.DeclarationHash, network.Description.Information.Beta)
            {
                Prediction = SavedPrediction.Of(network),
            };
            byte[] weights = BinarySections.Capture(writer => network.save(writer));
            IO.AtomicFile.Write(path, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                BinarySections.WriteHeader(writer, Magic);
                BinarySections.WriteSection(writer, JsonSerializer.Serialize(header, NetworkFileJsonContext.Default.SavedNetworkHeader));
                BinarySections.WriteSection(writer, weights);
            });
        }

        /// <summary>
        /// Loads a network saved by <see cref="Save"/>, all or nothing: every section is verified against its checksum first, and
        /// the network is unchanged when anything fails. Its <see cref="InformationNetwork.InputStandardization"/>,
        /// <see cref="InformationNetwork.TargetStandardization"/>, <see cref="InformationNetwork.ClassNames"/> and
        /// <see cref="InformationNetwork.PredictionCalibration"/> become the file's (null for a file saved without them). Throws
        /// <see cref="CheckpointException"/> for a damaged file or another declaration.
        /// </summary>
        public static void Load(InformationNetwork network, string path)
        {
            if (!File.Exists(path))
            {
                throw new CheckpointException(path, "the file does not exist.");
            }

            using var reader = new BinaryReader(new MemoryStream(File.ReadAllBytes(path)), Encoding.UTF8);
            int version = BinarySections.ReadHeader(reader, path, Magic, "saved network");
            var header = BinarySections.ReadJson(reader, path, "header", version, NetworkFileJsonContext.Default.SavedNetworkHeader);

            if (header.DeclarationHash != network.Description.DeclarationHash)
            {
                throw new CheckpointException(path,
                    $"it holds network '{header.Network}' with declaration hash {header.DeclarationHash}, which does not fit " +
                    $"'{network.Description.Name}' (declaration hash {network.Description.DeclarationHash}).");
            }

            var (standardization, classNames, calibration, targets) = (header.Prediction ?? SavedPrediction.None).Read(network.Description, path);
            byte[] weights = BinarySections.ReadSection(reader, path, "weights", version);
            BinarySections.ReadEnd(reader, path);
            WeightsSection.Load(network, weights, path);
            network.InputStandardization = standardization;
            network.ClassNames = classNames;
            network.PredictionCalibration = calibration;
            network.TargetStandardization = targets;
        }

        /// <summary>
        /// Writes the weights as a PyTorch state dict (<c>torch.load(path)</c> in Python gives a dict from the same keys,
        /// such as <c>Hidden1.weight</c> and <c>Hidden1.log_alpha</c>, to tensors), via TorchSharp.PyBridge.
        /// </summary>
        public static void ExportPyTorch(InformationNetwork network, string path)
            => IO.AtomicFile.Write(path, stream => network.save_py(stream, leaveOpen: true));

        /// <summary>Loads weights written by <see cref="ExportPyTorch"/> (or saved from PyTorch with the same keys).</summary>
        public static void ImportPyTorch(InformationNetwork network, string path)
        {
            using var stream = File.OpenRead(path);
            network.load_py(stream, strict: true);
        }
    }

    /// <summary>What a saved network file says about itself.</summary>
    /// <param name="Network">The network's class name.</param>
    /// <param name="DeclarationHash">Its declaration hash.</param>
    /// <param name="DeclaredBeta">Its declared β.</param>
    public sealed record SavedNetworkHeader(string Network, string DeclarationHash, double DeclaredBeta)
    {
        /// <summary>What prediction needs besides the weights; null in files saved before Ibex wrote it.</summary>
        public SavedPrediction? Prediction { get; init; }
    }
}
