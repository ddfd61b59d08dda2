using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace Ibex.Runtime.Tests;

/// <summary>What a run writes never enters the repository: run folders are ignored everywhere, and no checkpoint or saved network is tracked.</summary>
public sealed class RepositoryTests
{
    [Fact]
    public void NoRunOutputIsTrackedAndRunFoldersAreIgnoredEverywhere()
    {
        string root = RepositoryFolder.Root;
        string tracked = Git(root, "ls-files");
        var files = tracked.Split('\n', System.StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(files);
        Assert.DoesNotContain(files, f => f.EndsWith(".ibexckpt", System.StringComparison.Ordinal) || f.EndsWith(".ibexnet", System.StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.StartsWith("runs/", System.StringComparison.Ordinal) || f.Contains("/runs/", System.StringComparison.Ordinal));

        // A run folder anywhere, such as a worker example's own, is ignored.
        string ignored = Git(root, "check-ignore --no-index examples/WorkerService/runs/worker/checkpoints/latest.ibexckpt");
        Assert.Equal("examples/WorkerService/runs/worker/checkpoints/latest.ibexckpt", ignored.Trim());
    }

    private static string Git(string folder, string arguments)
    {
        var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(start)!;
        string output = git.StandardOutput.ReadToEnd();
        string error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {arguments} failed ({git.ExitCode}): {error}");
        return output;
    }
}
