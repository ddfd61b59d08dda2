using System;
using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>Turns the Device option into a torch device, and seeds every generator torch has.</summary>
    public static class TorchDevices
    {
        /// <summary>Resolves <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; throws when CUDA is asked for but absent.</summary>
        public static torch.Device Resolve(string device)
        {
            switch (device)
            {
                case "cpu":
                    return torch.CPU;
                case "auto":
                    return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            }

            if (!device.StartsWith("cuda", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Device '{device}' is not one of auto, cpu, cuda, cuda:N.", nameof(device));
            }

            if (!torch.cuda.is_available())
            {
                throw new InvalidOperationException(
                    $"Device '{device}' was asked for, but CUDA is not available: the libtorch loaded is the CPU build, or no NVIDIA driver and GPU are " +
                    "visible. Build with -p:IbexTorchBackend=cuda (or load a CUDA libtorch, see README), or set Ibex:Training:Device to cpu or auto.");
            }

            int index = device.Length > 5 ? int.Parse(device.AsSpan(5), provider: System.Globalization.CultureInfo.InvariantCulture) : 0;
            int count = torch.cuda.device_count();
            if (index >= count)
            {
                throw new InvalidOperationException($"Device '{device}' does not exist: this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}.");
            }

            return new torch.Device(DeviceType.CUDA, index);
        }

        /// <summary>Seeds the CPU generator and, when CUDA is present, every CUDA generator (TorchSharp's manual_seed does only the CPU's).</summary>
        public static void Seed(long seed)
        {
            torch.manual_seed(seed);
            if (torch.cuda.is_available())
            {
                torch.cuda.manual_seed_all(seed);
            }
        }
    }
}
