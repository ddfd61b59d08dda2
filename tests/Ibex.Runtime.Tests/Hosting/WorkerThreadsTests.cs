using System;
using System.Collections.Generic;
using System.IO;
using Ibex.Runtime.Native;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>The worker's CPU settings: reported at start, and without effect on what a seeded run computes.</summary>
public sealed class WorkerThreadsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "ibex-worker-threads-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ASeededRunWritesTheSameBytesWithIbexsSpinCountAsWithOpenMpsOwn()
    {
        int seed = Random.Shared.Next(1, 10_000);
        string threads = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var runs = new Dictionary<string, string?>[]
        {
            new() { [CpuThreads.SettingVariable] = "default", [CpuThreads.ThreadCountVariable] = threads, [CpuThreads.SpinCountVariable] = null, [CpuThreads.WaitPolicyVariable] = null },
            new() { [CpuThreads.SettingVariable] = null, [CpuThreads.ThreadCountVariable] = threads, [CpuThreads.SpinCountVariable] = null, [CpuThreads.WaitPolicyVariable] = null },
        };
        var weights = new List<byte[]>();
        for (int run = 0; run < runs.Length; run++)
        {
            string output = Path.Combine(folder, $"run{run}");
            using var worker = WorkerProcess.Start(runs[run],
                ("Epochs", "2"), ("BatchSize", "100"), ("Device", "cpu"), ("Seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Data:Source", "Synthetic"), ("Data:SyntheticExamples", "2000"), ("MonteCarloSamples", "4"),
                ("CheckpointDirectory", Path.Combine(output, "checkpoints")), ("OutputDirectory", output));
            Assert.True(worker.Process.WaitForExit(TimeSpan.FromSeconds(180)), "the worker did not finish:\n" + worker.Output);
            worker.Process.WaitForExit();
            Assert.True(worker.Process.ExitCode == 0, worker.Output);
            Assert.Contains($"CPU: {threads} torch thread(s)", worker.Output);
            Assert.Contains(run == 0 ? $"since CpuThreads.Manage is false ({CpuThreads.SettingVariable}=default" : $"{CpuThreads.SpinCountVariable}={CpuThreads.DefaultSpinCount}, set by Ibex", worker.Output);
            // The saved network: its header (names, standardization) and every weight and log α, byte for byte.
            weights.Add(File.ReadAllBytes(Path.Combine(output, "network.ibexnet")));
        }

        Assert.Equal(weights[0], weights[1]);
    }
}
