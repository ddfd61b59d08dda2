using System.Diagnostics;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;

namespace Ibex.Examples.Uncertainty;

/// <summary>Every network of the comparison trains the same way: Ibex's trainer, Adam at its default learning rate, one seed each.</summary>
internal static class Training
{
    public static (TNetwork Network, double Seconds) Fit<TNetwork>(LabeledData train, int epochs, int batchSize, long seed, double? beta = null)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        torch.manual_seed(seed);
        var network = TNetwork.Create(null);
        var clock = Stopwatch.StartNew();
        new InformationTrainer(network, new TrainingSettings { Epochs = epochs, BatchSize = batchSize, Seed = seed, Beta = beta }).Fit(train);
        network.eval();
        return (network, clock.Elapsed.TotalSeconds);
    }
}
