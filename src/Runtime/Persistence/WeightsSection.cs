using System;
using System.IO;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Persistence
{
    /// <summary>A network's weights as Ibex's files hold them: TorchSharp's own format, loaded all or nothing.</summary>
    internal static class WeightsSection
    {
        /// <summary>Loads weights all or nothing: when any tensor does not fit, every parameter and buffer is restored.</summary>
        public static void Load(InformationNetwork network, byte[] weights, string path)
        {
            var state = network.state_dict();
            var saved = state.ToDictionary(entry => entry.Key, entry => entry.Value.detach().clone());
            try
            {
                using var reader = new BinaryReader(new MemoryStream(weights));
                network.load(reader, strict: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException or FormatException)
            {
                using (torch.no_grad())
                {
                    foreach (var (name, tensor) in network.state_dict())
                    {
                        tensor.copy_(saved[name]);
                    }
                }

                throw CheckpointException.Damaged(path, $"its weights do not fit {network.Description.Name} ({e.Message}).", e);
            }
            finally
            {
                foreach (var copy in saved.Values)
                {
                    copy.Dispose();
                }
            }
        }
    }
}
