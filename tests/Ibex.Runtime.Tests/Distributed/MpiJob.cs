using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Ibex.Runtime.Tests.Hosting;

namespace Ibex.Runtime.Tests.Distributed;

/// <summary>An <c>mpiexec -n K dotnet APP.dll …</c> job (MPICH's Hydra), its output collected as it comes.</summary>
internal sealed class MpiJob : IDisposable
{
    private readonly CollectedOutput output;

    private MpiJob(Process process)
    {
        Process = process;
        output = new CollectedOutput(process);
    }

    public Process Process { get; }

    /// <summary>What the process printed so far.</summary>
    public string Output => output.ToString();

    /// <summary>Starts <paramref name="ranks"/> processes of the .NET program <paramref name="dll"/> (in the tests' folder) with <paramref name="arguments"/>.</summary>
    public static MpiJob Start(int ranks, string dll, params string[] arguments)
    {
        string mpiexec = FindMpiexec();
        var start = new ProcessStartInfo(mpiexec) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(ranks.ToString());
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new MpiJob(Process.Start(start) ?? throw new InvalidOperationException("could not start mpiexec"));
    }

    /// <summary>Waits for the job; fails the test with its output when it does not end in time.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the MPI job did not end within {timeout.TotalSeconds:F0} s:\n{Output}");
        }

        Process.WaitForExit();
        return Process.ExitCode;
    }

    /// <summary>The process id of rank <paramref name="rank"/> (found by the PMI_RANK Hydra gives it), or null while it has not started.</summary>
    public int? RankProcess(int rank)
    {
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out int pid))
            {
                continue;
            }

            try
            {
                string[] environment = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0');
                string command = File.ReadAllText(Path.Combine(folder, "cmdline"));
                if (command.Contains("dotnet", StringComparison.Ordinal) && environment.Contains($"PMI_RANK={rank}") && IsDescendant(pid))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended while it was read.
            }
        }

        return null;
    }

    /// <summary>Sends a signal by name (KILL, STOP, TERM) to <paramref name="pid"/>.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }

    private static string FindMpiexec()
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            string candidate = Path.Combine(folder, "mpiexec");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("mpiexec is not on PATH: the data-parallel tests need MPICH (bash scripts/setup.sh installs it).");
    }

    /// <summary>Whether <paramref name="pid"/> descends from this job's mpiexec (its parent chain, read from /proc).</summary>
    private bool IsDescendant(int pid)
    {
        for (int current = pid, depth = 0; current > 1 && depth < 16; depth++)
        {
            if (current == Process.Id)
            {
                return true;
            }

            string status = File.ReadAllText($"/proc/{current}/status");
            string? line = status.Split('\n').FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            if (line is null || !int.TryParse(line["PPid:".Length..].Trim(), out current))
            {
                return false;
            }
        }

        return false;
    }
}
