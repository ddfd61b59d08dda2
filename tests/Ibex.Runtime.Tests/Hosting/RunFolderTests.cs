using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ibex.Runtime.Training;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>
/// One writer per checkpoint folder, folders that do not depend on the working directory, a first log line that says
/// where the run is kept and whether it resumes, and temporary files of an interrupted write removed at start.
/// </summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly HostHarness harness = new();
    private readonly Random random = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task ASecondWorkerOnTheSameFolderExitsWith2NamingTheFolderAndTheHolder()
    {
        var options = harness.SyntheticRun(epochs: 200, seed: random.Next());
        using var first = harness.Build<SmallClassifier>(options);
        var firstRun = first.RunAsync();
        string owner = Path.Combine(harness.CheckpointDirectory, ".ibex.lock.owner");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(owner) && DateTime.UtcNow < deadline && !firstRun.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.True(File.Exists(owner), "the first worker never locked its folder");
        var second = new HostHarness();
        try
        {
            var secondOptions = harness.SyntheticRun(epochs: 2, seed: random.Next());
            int exitCode = await second.RunAsync(second.Build<SmallClassifier>(secondOptions));

            Assert.Equal(2, exitCode);
            string refusal = Assert.Single(second.Logs, line => line.Contains("is in use by another Ibex run", StringComparison.Ordinal));
            Assert.Contains(harness.CheckpointDirectory, refusal);
            Assert.Contains($"(process {Environment.ProcessId})", refusal);
            Assert.False(firstRun.IsCompleted, "the first worker stopped");
        }
        finally
        {
            second.Dispose();
            await first.StopAsync();
            await firstRun;
            Environment.ExitCode = 0;
        }

        // The lock goes with its holder: a third run on the folder resumes.
        options["Ibex:Training:Epochs"] = "1";
        options["Ibex:Training:Resume"] = "AllowChanges";
        Assert.Equal(0, await harness.RunAsync(harness.Build<SmallClassifier>(options)));
    }

    [Fact]
    public async Task RelativeFoldersResolveAgainstTheWorkingDirectoryNotTheContentRootAndTheFirstLineSaysWhere()
    {
        // Relative to the working directory (the process's, shared by every test: read, never changed), pointing into this
        // test's folder; the content root is another folder, where nothing may be written.
        string contentRoot = Path.Combine(harness.Folder, "content");
        Directory.CreateDirectory(contentRoot);
        var options = harness.SyntheticRun(epochs: 1, seed: random.Next());
        options["Ibex:Training:CheckpointDirectory"] = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(harness.Folder, "run-checkpoints"));
        options["Ibex:Training:OutputDirectory"] = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(harness.Folder, "run-output"));
        Assert.False(Path.IsPathRooted(options["Ibex:Training:CheckpointDirectory"]));
        string stale = Path.Combine(harness.Folder, "run-checkpoints", $".{CheckpointStore.FileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "half a checkpoint");

        Assert.Equal(0, await harness.RunAsync(harness.Build<SmallClassifier>(options, contentRoot: contentRoot)));

        string checkpoints = Path.Combine(harness.Folder, "run-checkpoints");
        Assert.True(File.Exists(Path.Combine(checkpoints, CheckpointStore.FileName)));
        Assert.True(File.Exists(Path.Combine(harness.Folder, "run-output", "report.json")));
        Assert.Empty(Directory.GetFileSystemEntries(contentRoot));
        Assert.False(File.Exists(stale), "the interrupted write's temporary file is still there");
        Assert.Contains($"Checkpoint folder {checkpoints} holds no checkpoint: starting afresh", FirstWorkerLine());

        options["Ibex:Training:Epochs"] = "2";
        harness.Logs.Clear();
        Assert.Equal(0, await harness.RunAsync(harness.Build<SmallClassifier>(options, contentRoot: contentRoot)));
        Assert.Contains($"Resuming from {Path.Combine(checkpoints, CheckpointStore.FileName)} at epoch 2, batch 0", FirstWorkerLine());
    }

    [Fact]
    public async Task AStopDuringTheFinalEvaluationLeavesTheReportPendingAndTheNextStartWritesItWithoutTraining()
    {
        var options = harness.SyntheticRun(epochs: 2, seed: random.Next());
        options["Ibex:Training:MonteCarloSamples"] = "10000";
        using (var host = harness.Build<SmallClassifier>(options, services => services.AddSingleton<ITrainingObserver>(
                   provider => new StopAfterLastEpoch(provider.GetRequiredService<IHostApplicationLifetime>(), epochs: 2))))
        {
            Assert.Equal(3, await harness.RunAsync(host));
        }

        Assert.False(File.Exists(Path.Combine(harness.OutputDirectory, "report.json")));
        Assert.Contains(harness.Logs, line => line.Contains("before the report was written", StringComparison.Ordinal));
        harness.Logs.Clear();

        options["Ibex:Training:MonteCarloSamples"] = "4";
        Assert.Equal(0, await harness.RunAsync(harness.Build<SmallClassifier>(options)));

        Assert.DoesNotContain(harness.Logs, line => line.Contains("Epoch ", StringComparison.Ordinal) && line.Contains("/2:", StringComparison.Ordinal));
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(harness.OutputDirectory, "report.json")));
        Assert.Equal(2, report.RootElement.GetProperty("epochs").GetArrayLength());
    }

    /// <summary>The first line the worker logged (the host's own lifetime lines left out).</summary>
    private string FirstWorkerLine()
        => harness.Logs.First(line => !line.Contains("Application ", StringComparison.Ordinal) && !line.Contains("Hosting environment", StringComparison.Ordinal)
                                       && !line.Contains("Content root path", StringComparison.Ordinal));

    /// <summary>Stops the host as the last epoch completes: training ends, and the stop reaches the final evaluation.</summary>
    private sealed class StopAfterLastEpoch(IHostApplicationLifetime lifetime, int epochs) : Ibex.Runtime.Training.ITrainingObserver
    {
        public void OnEpochCompleted(Ibex.Runtime.Training.EpochReport report)
        {
            if (report.Epoch == epochs)
            {
                lifetime.StopApplication();
            }
        }
    }
}
