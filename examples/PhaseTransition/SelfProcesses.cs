using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Ibex.Examples.PhaseTransition;

/// <summary>This program started again with other arguments: the sweeps' local jobs and schedulers' command lines.</summary>
internal static class SelfProcesses
{
    /// <summary>
    /// This program as a command line: the apphost alone, or under <c>dotnet x.dll</c> the dotnet host and the assembly.
    /// </summary>
    public static IReadOnlyList<string> CommandLine()
    {
        string process = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? new[] { process, typeof(SelfProcesses).Assembly.Location }
            : new[] { process };
    }

    /// <summary>
    /// Starts one child per argument list, waits for all of them, and throws naming the first that failed (its finished
    /// points are kept on disk, so running again completes the rest).
    /// </summary>
    public static void RunAll(IReadOnlyList<IEnumerable<string>> argumentLists, string what)
    {
        var program = CommandLine();
        var children = new List<Process>();
        foreach (var arguments in argumentLists)
        {
            var start = new ProcessStartInfo(program[0]) { UseShellExecute = false };
            foreach (var argument in program.Skip(1).Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            children.Add(Process.Start(start)!);
        }

        foreach (var child in children)
        {
            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"{what} {children.IndexOf(child)} of {children.Count} failed with exit code {child.ExitCode}; its finished points are kept, run again to complete the rest.");
            }
        }
    }
}
