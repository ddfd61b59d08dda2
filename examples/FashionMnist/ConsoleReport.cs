using System;
using System.Globalization;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;

namespace Ibex.Examples;

/// <summary>The example's view of a run: a table row per epoch, and the pruning table when the run prunes.</summary>
internal sealed class ConsoleReport : IRunObserver
{
    public void OnTrainingStarted(TrainingStart start)
        => Console.WriteLine("epoch  cross-entropy  Ĩ(w;D)/N [nats/sample]  train acc  test acc  seconds");

    public void OnEpochCompleted(EpochReport report)
        => Console.WriteLine($"{report.Epoch,5}  {report.CrossEntropy,13:F4}  {report.InformationPerSample,22:F4}  {report.TrainAccuracy,9:F4}  {report.TestAccuracy,8:F4}  {report.Seconds,7:F1}");

    public void OnPruned(PruningOutcome outcome)
    {
        Console.WriteLine("layer      noise     threshold   weights      kept   fewer   units kept   nats kept");
        foreach (var layer in outcome.Report.Layers)
        {
            Console.WriteLine($"{layer.Layer,-10} {layer.Noise,-9} {layer.Threshold,9:F3} {layer.Weights,9:N0} {layer.KeptWeights,9:N0} {layer.CompressionRatio,6:F1}× {layer.KeptUnits,5}/{layer.Units,-5} {layer.KeptNats,10:N0} of {layer.Nats:N0}");
        }

        var report = outcome.Report;
        Console.WriteLine($"Pruned: {report.KeptWeights:N0} of {report.Weights:N0} weights kept ({report.CompressionRatio.ToString("F1", CultureInfo.InvariantCulture)}× fewer), " +
                          $"{report.KeptNats:N0} of {report.Nats:N0} nats, multiply-adds {report.KeptMultiplyAdds:N0} of {report.MultiplyAdds:N0}" +
                          (report.RemovedUnits.Count > 0 ? $"; removed {string.Join(", ", report.RemovedUnits)}" : ""));
        Console.WriteLine($"Pruned mean network test accuracy: {outcome.TestMeanNetwork.ToString("F4", CultureInfo.InvariantCulture)}");
    }
}
