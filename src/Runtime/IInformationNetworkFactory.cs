using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>
    /// Lets generic code (the hosted trainer, checkpoint loading) create a generated network without reflection. The
    /// generator implements it on every network.
    /// </summary>
    /// <typeparam name="TSelf">The network type.</typeparam>
    public interface IInformationNetworkFactory<TSelf>
        where TSelf : InformationNetwork
    {
        /// <summary>Creates the network with fresh weights on <paramref name="device"/> (the CPU when null).</summary>
        static abstract TSelf Create(torch.Device? device);
    }
}
