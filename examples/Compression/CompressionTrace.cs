using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Compression;
using Ibex.Runtime.Data;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;

namespace Ibex.Examples.Compression;

/// <summary>
/// Along a stochastic run, every few epochs and at the last: how far pruning at the default threshold would compress the
/// network now, what the pruned mean network scores on the test set, and where log α sit (mean and quartiles per layer).
/// Appended to <c>trace.csv</c>, one line per measured epoch, so that a resumed run continues the file.
/// </summary>
internal sealed class CompressionTrace<TNetwork>(TNetwork network, LabeledData test, string path, int every) : IRunObserver
    where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
{
    public const string Header = "epoch,compression,test_acc_pruned,test_acc,information_per_sample,layer,kept_weights,weights,log_alpha_mean,log_alpha_q25,log_alpha_q50,log_alpha_q75";

    private int epochs;

    public void OnRunStarting(RunStart start)
    {
        epochs = start.Epochs;
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Header + "\n");
        }
    }

    public void OnEpochCompleted(EpochReport report)
    {
        if (report.Epoch % every != 0 && report.Epoch != epochs && report.Epoch != 1)
        {
            return;
        }

        using var copy = TNetwork.Create(network.Device);
        copy.load_state_dict(network.state_dict());
        var pruned = NetworkPruner.Prune(copy);
        foreach (var mask in NetworkPruner.ApplyMask(copy, new PruningOptions()).Values)
        {
            mask.Dispose();
        }

        double prunedAccuracy = InformationTrainer.Evaluate(copy, test);
        var lines = pruned.Report.Layers.Select(layer =>
        {
            var rho = network.StochasticLayers().Single(l => l.Layer == layer.Layer).LogAlpha.detach().cpu().to(TorchSharp.torch.float64).flatten();
            using var sorted = rho.sort().Values;
            double Quantile(double q) => sorted[(long)Math.Round(q * (sorted.shape[0] - 1))].item<double>();
            return string.Create(CultureInfo.InvariantCulture,
                $"{report.Epoch},{pruned.Report.CompressionRatio:R},{prunedAccuracy:R},{report.TestAccuracy:R},{report.InformationPerSample:R},{layer.Layer},{layer.KeptWeights},{layer.Weights},{rho.mean().item<double>():R},{Quantile(0.25):R},{Quantile(0.5):R},{Quantile(0.75):R}");
        });
        File.AppendAllLines(path, lines);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  epoch {report.Epoch}: {pruned.Report.CompressionRatio:F1}× at the default threshold, pruned test accuracy {prunedAccuracy:F4} (unpruned {report.TestAccuracy:F4})"));
    }
}
