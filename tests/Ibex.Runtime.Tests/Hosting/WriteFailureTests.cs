using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Tests.Hosting;
using Ibex.Runtime.Training;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>
/// A checkpoint folder that fills up or turns read-only mid-run, on a size-limited tmpfs that the test mounts (CI runs as
/// root, which a plain read-only folder does not stop): the run ends with one line naming the file and the cause, exit code
/// 1, and the last good checkpoint still loads.
/// </summary>
[Collection(nameof(MountingTests))]
public sealed class WriteFailureTests : IDisposable
{
    private readonly HostHarness harness = new();
    private readonly string mount;

    public WriteFailureTests()
    {
        mount = Path.Combine(harness.Folder, "small-disk");
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount);
    }

    public void Dispose()
    {
        Run("umount", mount);
        harness.Dispose();
    }

    [Theory]
    [InlineData("full", "No space left on device")]
    [InlineData("read-only", "Read-only file system")]
    public async Task AFailedCheckpointWriteIsOneLineAndKeepsTheLastGoodCheckpoint(string fault, string cause)
    {
        var options = harness.SyntheticRun(epochs: 4, seed: Random.Shared.Next());
        string checkpoints = Path.Combine(mount, "checkpoints");
        options["Ibex:Training:CheckpointDirectory"] = checkpoints;
        var breaker = new BreakAfterFirstCheckpoint(fault, mount);

        int exitCode = await harness.RunAsync(harness.Build<SmallClassifier>(options, services => services.AddSingleton<ITrainingObserver>(breaker)));

        Assert.Equal(1, exitCode);
        string latest = Path.Combine(checkpoints, CheckpointStore.FileName);
        string failure = Assert.Single(harness.Logs, line => line.StartsWith("Critical", StringComparison.Ordinal));
        Assert.Contains($"{latest} could not be written: {cause}", failure);
        Assert.DoesNotContain(" | ", failure);
        using var network = new SmallClassifier();
        var checkpoint = new CheckpointStore(checkpoints).TryLoad(network);
        Assert.NotNull(checkpoint);
        Assert.Equal(2, checkpoint.Metadata.Epoch);
        Assert.Null(checkpoint.Warning);
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}. These tests mount a tmpfs and need root, as CI has.");
    }

    /// <summary>After the first checkpoint: fills the disk, or remounts it read-only.</summary>
    private sealed class BreakAfterFirstCheckpoint(string fault, string mount) : ITrainingObserver
    {
        private bool broken;

        public void OnCheckpointWritten(string path, int epoch, long nextBatch)
        {
            if (broken)
            {
                return;
            }

            broken = true;
            if (fault == "read-only")
            {
                Run("mount", "-o", "remount,ro", mount);
                return;
            }

            using var filler = new FileStream(Path.Combine(mount, "filler"), FileMode.Create);
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    filler.Write(block);
                    filler.Flush(flushToDisk: true);
                }
            }
            catch (IOException)
            {
                // The disk is full.
            }
        }
    }
}

/// <summary>Tests that mount file systems run one at a time.</summary>
[CollectionDefinition(nameof(MountingTests), DisableParallelization = true)]
public sealed class MountingTests
{
}
