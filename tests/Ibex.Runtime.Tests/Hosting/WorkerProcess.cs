using System;
using System.Diagnostics;
using System.IO;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>The test worker (tests/Ibex.Runtime.Tests.Worker) in a process of its own, its output collected as it comes.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly CollectedOutput output;

    private WorkerProcess(Process process)
    {
        Process = process;
        output = new CollectedOutput(process);
    }

    public Process Process { get; }

    /// <summary>What the process printed so far.</summary>
    public string Output => output.ToString();

    /// <summary>Starts the worker with each option given as <c>--Ibex:Training:{key}={value}</c>.</summary>
    public static WorkerProcess Start(params (string Key, string Value)[] options) => Start(new System.Collections.Generic.Dictionary<string, string?>(), options);

    /// <summary>As <see cref="Start(ValueTuple{string, string}[])"/>, with environment variables set (a null value removes one).</summary>
    public static WorkerProcess Start(System.Collections.Generic.IReadOnlyDictionary<string, string?> environment, params (string Key, string Value)[] options)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Ibex.Runtime.Tests.Worker.dll"));
        foreach (var (key, value) in options)
        {
            start.ArgumentList.Add($"--Ibex:Training:{key}={value}");
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the worker"));
    }

    /// <summary>Sends a signal by name (TERM, INT, KILL) with the system's kill command.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, Process.Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public void Dispose() => Process.Dispose();
}
