using System;
using TorchSharp;

namespace Ibex.Runtime.Hosting
{
    /// <summary>The device a hosted run trains on, from <c>Ibex:Training:Device</c>.</summary>
    internal static class RunDevice
    {
        /// <summary>
        /// <paramref name="configured"/> resolved (<see cref="TorchDevices.Resolve"/>); in a data-parallel run a bare
        /// <c>cuda</c> takes one GPU per rank of the machine, picked by <paramref name="localRank"/>.
        /// </summary>
        public static torch.Device Resolve(string configured, int? localRank)
        {
            try
            {
                var device = TorchDevices.Resolve(configured);
                return localRank is { } rank && device.type == DeviceType.CUDA && !configured.Contains(':', StringComparison.Ordinal)
                    ? torch.device(DeviceType.CUDA, rank % Math.Max(1, torch.cuda.device_count()))
                    : device;
            }
            catch (InvalidOperationException e)
            {
                throw new DeviceUnavailableException($"{TrainingOptions.SectionName}:Device = {configured}: {e.Message} Use Device = auto or cpu to train on the CPU.", e);
            }
        }
    }
}
