using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Ibex.Bench.Performance;

/// <summary>
/// A CPU quota for the contention bench's children: a cgroup of its own whose CFS quota is <see cref="Cores"/> cores
/// (cgroup v2's <c>cpu.max</c> or v1's <c>cpu.cfs_quota_us</c>), as a container's CPU limit sets it. Creating one needs
/// a writable cgroup file system (root, or a delegated subtree); where there is none, <see cref="IsAvailable"/> is false
/// and the bench says so rather than imitate a quota with something else.
/// </summary>
public sealed class CpuQuota : IDisposable
{
    private const int PeriodMicroseconds = 100_000;
    private readonly string? directory;

    private CpuQuota(string? directory, int cores, string description)
    {
        this.directory = directory;
        Cores = cores;
        Description = description;
    }

    /// <summary>No quota.</summary>
    public static CpuQuota None { get; } = new(null, 0, "no CPU quota");

    public bool IsAvailable => directory is not null;

    /// <summary>The quota in whole cores.</summary>
    public int Cores { get; }

    public string Description { get; }

    /// <summary>Creates a cgroup limited to <paramref name="cores"/> cores, or returns an unavailable quota that says why not.</summary>
    public static CpuQuota TryCreate(int cores)
    {
        string name = "ibex-contention-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        string quota = (cores * PeriodMicroseconds).ToString(CultureInfo.InvariantCulture);
        string period = PeriodMicroseconds.ToString(CultureInfo.InvariantCulture);
        try
        {
            if (File.Exists("/sys/fs/cgroup/cgroup.controllers"))
            {
                string directory = Path.Combine("/sys/fs/cgroup", name);
                Directory.CreateDirectory(directory);
                File.WriteAllText(Path.Combine(directory, "cpu.max"), $"{quota} {period}");
                return new CpuQuota(directory, cores, $"CPU quota: {cores} core(s) through cgroup v2 ({directory}/cpu.max)");
            }

            if (Directory.Exists("/sys/fs/cgroup/cpu"))
            {
                string directory = Path.Combine("/sys/fs/cgroup/cpu", name);
                Directory.CreateDirectory(directory);
                File.WriteAllText(Path.Combine(directory, "cpu.cfs_period_us"), period);
                File.WriteAllText(Path.Combine(directory, "cpu.cfs_quota_us"), quota);
                return new CpuQuota(directory, cores, $"CPU quota: {cores} core(s) through cgroup v1 ({directory}/cpu.cfs_quota_us)");
            }

            return new CpuQuota(null, cores, "CPU quota: not measured, this machine has no cgroup file system");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CpuQuota(null, cores, $"CPU quota: not measured, the cgroup could not be created ({e.Message})");
        }
    }

    /// <summary>The same command, moved into the quota's cgroup by a shell before it starts.</summary>
    public ProcessStartInfo Wrap(ProcessStartInfo start)
    {
        if (directory is null)
        {
            throw new InvalidOperationException(Description);
        }

        var wrapped = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = start.RedirectStandardOutput, RedirectStandardError = start.RedirectStandardError };
        wrapped.ArgumentList.Add("-c");
        wrapped.ArgumentList.Add($"echo $$ > '{directory}/cgroup.procs' && exec \"$0\" \"$@\"");
        wrapped.ArgumentList.Add(start.FileName);
        if (start.ArgumentList.Count > 0)
        {
            foreach (string argument in start.ArgumentList)
            {
                wrapped.ArgumentList.Add(argument);
            }
        }
        else
        {
            foreach (string argument in start.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                wrapped.ArgumentList.Add(argument);
            }
        }

        foreach (var (name, value) in start.Environment)
        {
            wrapped.Environment[name] = value;
        }

        return wrapped;
    }

    public void Dispose()
    {
        if (directory is not null && Directory.Exists(directory))
        {
            Directory.Delete(directory);
        }
    }
}
