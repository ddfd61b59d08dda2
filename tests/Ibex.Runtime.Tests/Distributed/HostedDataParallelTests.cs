using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Ibex.Runtime.Tests.Worker;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Tests.Hosting;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Distributed;

/// <summary>The hosted worker (tests/Ibex.Runtime.Tests.Worker) as a 2-rank MPI job: resumed after SIGKILL, and stopped by a dead or hung rank.</summary>
public sealed class HostedDataParallelTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-mpi-host-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ARunKilledAndResumedEndsWhereAnUninterruptedOneDoes()
    {
        const int Epochs = 8;
        using (var uninterrupted = StartWorker("whole", Epochs))
        {
            int exitCode = uninterrupted.WaitForExit(TimeSpan.FromMinutes(4));
            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{uninterrupted.Output}");
        }

        string checkpoint = Path.Combine(folder, "resumed", "checkpoints", CheckpointStore.FileName);
        int checkpointed;
        using (var first = StartWorker("resumed", Epochs))
        {
            checkpointed = WaitForCheckpoint(first, checkpoint, atLeastEpoch: 4);
            Thread.Sleep(300);
            first.Process.Kill(entireProcessTree: true); // SIGKILL to mpiexec and every rank: no last checkpoint.
            first.Process.WaitForExit();
        }

        int resumedAt = ProcessKillTests.ReadEpoch(checkpoint);
        Assert.InRange(resumedAt, checkpointed, Epochs);
        using (var second = StartWorker("resumed", Epochs))
        {
            int exitCode = second.WaitForExit(TimeSpan.FromMinutes(4));
            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{second.Output}");
            Assert.Contains($"at epoch {resumedAt}, batch 0", second.Output);
            Assert.Contains("Training data-parallel over 2 processes", second.Output);
        }

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "resumed", "output", "report.json")));
        Assert.Equal(Epochs, report.RootElement.GetProperty("epochs").GetArrayLength());

        // Every rank restored its own noise stream: the same weights to the last bit.
        using var whole = new WorkerMlp();
        using var resumed = new WorkerMlp();
        NetworkFile.Load(whole, Path.Combine(folder, "whole", "output", "network.ibexnet"));
        NetworkFile.Load(resumed, Path.Combine(folder, "resumed", "output", "network.ibexnet"));
        var expected = whole.state_dict();
        foreach (var (name, actual) in resumed.state_dict())
        {
            Assert.True(actual.eq(expected[name]).all().item<bool>(), $"{name} differs after the resume");
        }
    }

    [Fact]
    public void AKilledRankEndsTheJobWithAClearMessage()
    {
        using var job = StartWorker("killed", epochs: 500);
        WaitForCheckpoint(job, Path.Combine(folder, "killed", "checkpoints", CheckpointStore.FileName), atLeastEpoch: 2);
        int rank1 = job.RankProcess(1) ?? throw new InvalidOperationException("rank 1's process was not found:\n" + job.Output);
        MpiJob.Signal(rank1, "KILL");

        int exitCode = job.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        // mpiexec reports the first process it reaps: rank 1 (killed), or under load rank 0, whose MPI library aborts the
        // moment its peer's connection drops; seen in a loaded full run: "EXIT CODE: 6 … Aborted (signal 6)".
        Assert.True(job.Output.Contains("BAD TERMINATION")
                    && (job.Output.Contains("EXIT STRING: Killed (signal 9)") || job.Output.Contains("EXIT STRING: Aborted (signal 6)")),
            "mpiexec did not report the job's end by a killed or aborted rank:\n" + job.Output);
        // What rank 0 wrote before is intact: the run resumes from it.
        using var network = new WorkerMlp();
        Assert.NotNull(new CheckpointStore(Path.Combine(folder, "killed", "checkpoints")).TryLoad(network));
    }

    [Fact]
    public void AHungRankEndsTheJobWithinTheTimeout()
    {
        using var job = StartWorker("hung", epochs: 500, ("DataParallel:TimeoutSeconds", "3"));
        WaitForCheckpoint(job, Path.Combine(folder, "hung", "checkpoints", CheckpointStore.FileName), atLeastEpoch: 2);
        int rank1 = job.RankProcess(1) ?? throw new InvalidOperationException("rank 1's process was not found:\n" + job.Output);
        MpiJob.Signal(rank1, "STOP"); // alive, but never answers: only the watchdog can end this.
        try
        {
            int exitCode = job.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, exitCode);
            Assert.Contains("Ibex data parallel: rank 0 of 2 waited", job.Output);
            Assert.Contains("one of them has died or hangs", job.Output);
        }
        finally
        {
            MpiJob.Signal(rank1, "KILL");
        }
    }

    [Fact]
    public void ASecondJobOnTheSameCheckpointFolderIsRefusedByEveryRank()
    {
        using var first = StartWorker("locked", epochs: 500);
        WaitForCheckpoint(first, Path.Combine(folder, "locked", "checkpoints", CheckpointStore.FileName), atLeastEpoch: 1);
        using var second = StartWorker("locked", epochs: 500);
        int exitCode = second.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("rank 0 refused to start the run", second.Output);
        Assert.False(first.Process.HasExited, "the first job stopped:\n" + first.Output);
    }

    private MpiJob StartWorker(string run, int epochs, params (string Key, string Value)[] extra)
    {
        var options = new List<(string, string)>
        {
            ("Epochs", $"{epochs}"), ("BatchSize", "100"), ("Device", "cpu"), ("Seed", "5"), ("Data:Source", "Synthetic"),
            ("Data:SyntheticExamples", "3000"), ("MonteCarloSamples", "4"), ("CheckpointIntervalEpochs", "1"),
            ("CheckpointDirectory", Path.Combine(folder, run, "checkpoints")), ("OutputDirectory", Path.Combine(folder, run, "output")),
        };
        options.AddRange(extra);
        return MpiJob.Start(2, "Ibex.Runtime.Tests.Worker.dll", options.Select(o => $"--Ibex:Training:{o.Item1}={o.Item2}").ToArray());
    }

    /// <summary>Waits until the checkpoint resumes at <paramref name="atLeastEpoch"/> or later, and returns that epoch.</summary>
    private static int WaitForCheckpoint(MpiJob job, string checkpoint, int atLeastEpoch)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        int epoch = 0;
        while (DateTime.UtcNow < deadline && !job.Process.HasExited && (epoch = ProcessKillTests.ReadEpoch(checkpoint)) < atLeastEpoch)
        {
            Thread.Sleep(20);
        }

        Assert.False(job.Process.HasExited, "the job ended before its checkpoint:\n" + job.Output);
        Assert.True(epoch >= atLeastEpoch, $"no checkpoint at epoch {atLeastEpoch} within 120 s:\n{job.Output}");
        return epoch;
    }
}
