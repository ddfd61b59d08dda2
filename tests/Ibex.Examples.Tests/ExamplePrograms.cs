using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace Ibex.Examples.Tests;

/// <summary>Runs the examples' built programs as a user would, from their own build folders.</summary>
internal static class ExamplePrograms
{
    /// <summary>An example's built program, in the configuration these tests were built in.</summary>
    public static string Built(string name)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string program = Path.Combine(RepositoryFolder.Root, "examples", name, "bin", configuration, "net10.0", $"Ibex.Examples.{name}.dll");
        Assert.True(File.Exists(program), $"{program} is missing: build the solution first.");
        return program;
    }

    /// <summary>Runs <paramref name="program"/> to its end (5 minutes at most), requires exit code 0, and returns what it printed.</summary>
    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(program);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not finish in 5 minutes");
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output.Result}\n{errors.Result}");
        return output.Result;
    }
}
