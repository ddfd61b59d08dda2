using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Training;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>A worker process killed with SIGKILL mid-run loses at most the epochs since its last checkpoint.</summary>
public sealed class ProcessKillTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-kill-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void AWorkerKilledMidRunResumesFromItsLastCheckpoint()
    {
        const int epochs = 16;
        string checkpoints = Path.Combine(folder, "checkpoints");
        string checkpoint = Path.Combine(checkpoints, CheckpointStore.FileName);

        using var firstWorker = Start(epochs, checkpoints);
        var first = firstWorker.Process;
        // Wait until a checkpoint beyond the first epochs exists, then kill in the middle of the following epoch.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        int checkpointedEpoch = 0;
        while (DateTime.UtcNow < deadline && !first.HasExited && (checkpointedEpoch = ReadEpoch(checkpoint)) < 4)
        {
            Thread.Sleep(20);
        }

        Assert.False(first.HasExited, "the worker ended before it could be killed:\n" + firstWorker.Output);
        Thread.Sleep(30);
        first.Kill(entireProcessTree: true); // SIGKILL on Linux: no shutdown, no last checkpoint.
        first.WaitForExit();
        int lastCheckpointEpoch = ReadEpoch(checkpoint);
        Assert.True(lastCheckpointEpoch >= 4, $"no checkpoint survived the kill (epoch {lastCheckpointEpoch})");
        Assert.True(lastCheckpointEpoch < epochs, "the first run finished before it was killed; the test proves nothing");

        using var secondWorker = Start(epochs, checkpoints);
        var second = secondWorker.Process;
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(300)), "the resumed worker did not finish:\n" + secondWorker.Output);
        second.WaitForExit();

        Assert.True(second.ExitCode == 0, $"exit code {second.ExitCode}:\n{secondWorker.Output}");
        Assert.Contains($"at epoch {lastCheckpointEpoch}, batch 0", secondWorker.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "output", "report.json")));
        Assert.Equal(epochs, report.RootElement.GetProperty("epochs").GetArrayLength());
    }

    private WorkerProcess Start(int epochs, string checkpoints)
        => WorkerProcess.Start(
            ("Epochs", epochs.ToString()), ("BatchSize", "100"), ("Device", "cpu"), ("Seed", "3"),
            ("Data:Source", "Synthetic"), ("Data:SyntheticExamples", "3000"), ("MonteCarloSamples", "4"),
            ("CheckpointDirectory", checkpoints), ("OutputDirectory", Path.Combine(folder, "output")));

    /// <summary>The epoch a checkpoint resumes at, read from its metadata section (0 when there is none yet).</summary>
    internal static int ReadEpoch(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.Open(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            reader.ReadBytes(8 + 4);
            long length = reader.ReadInt64();
            using var metadata = JsonDocument.Parse(reader.ReadBytes((int)length));
            return metadata.RootElement.GetProperty("epoch").GetInt32();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
