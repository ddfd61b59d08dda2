using System;
using System.Linq;
using Ibex.Examples;
using Ibex.Runtime;
using TorchSharp;

namespace Ibex.Bench.GpuCheck;

/// <summary>The example's networks (examples/FashionMnist) by name, created with the same initial weights on any device.</summary>
internal static class CheckNetworks
{
    /// <summary>
    /// The network <paramref name="name"/> on <paramref name="device"/>, its parameters and buffers those of the same network
    /// created on the CPU right after <see cref="TorchDevices.Seed"/>(<paramref name="seed"/>), so two devices start equal.
    /// </summary>
    public static InformationNetwork SameWeightsOn(string name, torch.Device device, long seed)
    {
        TorchDevices.Seed(seed);
        using var reference = Create(name, torch.CPU);
        var network = Create(name, device);
        using (torch.no_grad())
        {
            foreach (var ((_, target), (_, source)) in network.named_parameters().Zip(reference.named_parameters()))
            {
                target.copy_(source);
            }

            foreach (var ((_, target), (_, source)) in network.named_buffers().Zip(reference.named_buffers()))
            {
                target.copy_(source);
            }
        }

        TorchDevices.Seed(seed);
        return network;
    }

    private static InformationNetwork Create(string name, torch.Device device) => name switch
    {
        "mlp" => FashionMlp.Create(device),
        "cnn" => FashionCnn.Create(device),
        _ => throw new ArgumentException($"Unknown network '{name}': use mlp or cnn.", nameof(name)),
    };
}
