using System;
using System.IO;
using System.Text.Json;
using Ibex.Runtime.Persistence;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary><c>Ibex:Training:Calibration</c>: the worker's saved network carries the calibration the report describes.</summary>
public sealed class WorkerCalibrationTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"ibex-worker-calibration-{Path.GetRandomFileName()}");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AWorkerWithCalibrationOnSavesACalibratedNetwork()
    {
        string output = Path.Combine(folder, "output");
        using (var worker = WorkerProcess.Start(
            ("Epochs", "2"), ("BatchSize", "100"), ("Device", "cpu"), ("Seed", new Random().Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Data:Source", "Synthetic"), ("Data:SyntheticExamples", "2000"), ("MonteCarloSamples", "2"),
            ("Calibration:Enabled", "true"), ("Calibration:HeldOutFraction", "0.25"), ("Calibration:Coverage", "0.85"),
            ("CheckpointDirectory", Path.Combine(folder, "checkpoints")), ("OutputDirectory", output)))
        {
            Assert.True(worker.Process.WaitForExit(TimeSpan.FromSeconds(180)), "the worker did not finish:\n" + worker.Output);
            worker.Process.WaitForExit();
            Assert.True(worker.Process.ExitCode == 0, worker.Output);
        }

        using var report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "report.json")));
        var calibration = report.RootElement.GetProperty("calibration");
        Assert.Equal(0.85, calibration.GetProperty("calibration").GetProperty("setCoverage").GetDouble());
        double temperature = calibration.GetProperty("calibration").GetProperty("temperature").GetDouble();

        using var network = new Ibex.Runtime.Tests.Worker.WorkerMlp();
        NetworkFile.Load(network, Path.Combine(output, "network.ibexnet"));
        Assert.Equal(temperature, network.PredictionCalibration!.Temperature);
        Assert.Equal(0.85, network.PredictionCalibration.SetCoverage);
        Assert.Contains("<th>calibration on", File.ReadAllText(Path.Combine(output, "report.html")));
    }
}
