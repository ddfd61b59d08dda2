using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace Ibex.Bench.Performance;

/// <summary>Runs bench/Performance/pytorch_step.py with Debian's PyTorch (/usr/bin/python3) and reads its JSON answer.</summary>
public sealed class PyTorchRunner
{
    private readonly string python;
    private readonly string script = Path.Combine(AppContext.BaseDirectory, "pytorch_step.py");

    public PyTorchRunner(string python = "/usr/bin/python3") => this.python = python;

    /// <param name="RssBeforeNetworkMb">Resident memory once torch is imported, before the network is built.</param>
    /// <param name="HeapAfterForwardMb">The most glibc's heap held for live allocations right after a training forward.</param>
    /// <param name="HeapPeakMb">The most it held at any moment of those steps, read about every millisecond.</param>
    public sealed record Timing(double TrainStepMs, double EvalForwardMs, double PeakRssMb, double RssBeforeNetworkMb, double HeapAfterForwardMb, double HeapPeakMb, string Version);

    public Timing Time(WorkloadKind kind, int steps)
    {
        using var json = Run($"time --model {kind.Model} --batch {kind.Batch} --steps {steps} --threads {Program.Threads}");
        var root = json.RootElement;
        return new Timing(root.GetProperty("train_step_ms").GetDouble(), root.GetProperty("eval_forward_ms").GetDouble(),
            root.GetProperty("peak_rss_mb").GetDouble(), root.GetProperty("rss_before_network_mb").GetDouble(),
            root.GetProperty("heap_after_forward_mb").GetDouble(), root.GetProperty("heap_peak_mb").GetDouble(), root.GetProperty("torch").GetString()!);
    }

    public double Check(string model, int batch, string weights, int seed)
    {
        using var json = Run($"check --model {model} --batch {batch} --weights {weights} --seed {seed} --threads {Program.Threads}");
        var missing = json.RootElement.GetProperty("missing");
        foreach (var key in missing.EnumerateArray())
        {
            if (!(key.GetString() ?? "").EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The PyTorch {model} has a tensor the Ibex export lacks: {key.GetString()}.");
            }
        }

        return json.RootElement.GetProperty("loss").GetDouble();
    }

    private JsonDocument Run(string arguments)
    {
        if (!File.Exists(python))
        {
            throw new InvalidOperationException($"{python} is missing; install Debian's PyTorch with: apt-get install -y python3-torch libopenblas0-pthread");
        }

        var start = new ProcessStartInfo(python, script + " " + arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OMP_NUM_THREADS"] = Program.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pytorch_step.py {arguments} failed with exit code {process.ExitCode}: {error}");
        }

        return JsonDocument.Parse(output.Trim().Split('\n')[^1]);
    }
}
