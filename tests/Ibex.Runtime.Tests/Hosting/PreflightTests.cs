using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Tests.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>
/// Pre-flight: every option whose text cannot be bound, overflows or exceeds its bound is one line naming the key before
/// anything loads; unusable folders and devices are one line and exit code 2; the worker process shows no stack trace.
/// </summary>
public sealed class PreflightTests : IDisposable
{
    private readonly HostHarness harness = new();

    public void Dispose() => harness.Dispose();

    /// <summary>Every numeric or boolean option, found by reflection so that a new option cannot be missed.</summary>
    public static TheoryData<string, string> UnparsableValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var (prefix, type) in new[] { ("", typeof(TrainingOptions)), ("Data:", typeof(DataOptions)) })
        {
            foreach (var property in type.GetProperties().Where(p => p.CanWrite))
            {
                var kind = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                string key = prefix + property.Name;
                if (kind == typeof(int))
                {
                    data.Add(key, "2147483648");
                    data.Add(key, "abc");
                }
                else if (kind == typeof(long))
                {
                    data.Add(key, "9223372036854775808");
                }
                else if (kind == typeof(double))
                {
                    data.Add(key, "abc");
                    data.Add(key, "0,5;");
                }
                else if (kind == typeof(bool) || kind.IsEnum)
                {
                    data.Add(key, "Foo");
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UnparsableValues))]
    public async Task AnUnparsableValueIsOneLineNamingTheKey(string key, string value)
    {
        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings["Ibex:Training:" + key] = value;
        using var host = harness.Build<SmallClassifier>(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string failure = Assert.Single(error.Failures);
        Assert.StartsWith($"Ibex:Training:{key} = {value} is not ", failure);
        Assert.False(Directory.Exists(harness.CheckpointDirectory));
    }

    [Theory]
    [InlineData("Beta", "1e308", "Ibex:Training:Beta = 1E+308 is invalid: it must be at most 1000000")]
    [InlineData("Data:SyntheticExamples", "2147483647", "Ibex:Training:Data:SyntheticExamples = 2147483647 is invalid: it must be between 1 and 10000000")]
    [InlineData("Epochs", "2147483647", "Ibex:Training:Epochs = 2147483647 is invalid: it must be between 1 and 1000000")]
    [InlineData("BetaWarmupEpochs", "2147483647", "Ibex:Training:BetaWarmupEpochs = 2147483647 is invalid")]
    public async Task AValueThatWouldOverflowIsRefusedAtStart(string key, string value, string expected)
    {
        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings["Ibex:Training:" + key] = value;
        using var host = harness.Build<SmallClassifier>(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("CheckpointDirectory", "file", "it is a file, not a folder")]
    [InlineData("OutputDirectory", "file", "it is a file, not a folder")]
    [InlineData("CheckpointDirectory", "/proc/ibex-checkpoints", "Ibex cannot write there")]
    [InlineData("OutputDirectory", "/proc/ibex-output", "Ibex cannot write there")]
    public async Task AnUnusableFolderIsOneLineAndExitCode2BeforeAnyData(string key, string folder, string expected)
    {
        if (folder == "file")
        {
            folder = Path.Combine(harness.Folder, "a-file");
            File.WriteAllText(folder, "not a folder");
        }

        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings["Ibex:Training:" + key] = folder;

        int exitCode = await harness.RunAsync(harness.Build<SmallClassifier>(settings));

        Assert.Equal(2, exitCode);
        string line = Assert.Single(harness.Logs, l => l.Contains("cannot be used", StringComparison.Ordinal));
        Assert.Contains($"Ibex:Training:{key} = {folder} cannot be used: {expected}", line);
        Assert.DoesNotContain(harness.Logs, l => l.Contains(" | ", StringComparison.Ordinal) || l.Contains("Training SmallClassifier", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingDeviceIsOneLineAndExitCode2()
    {
        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings["Ibex:Training:Device"] = "cuda:63";

        int exitCode = await harness.RunAsync(harness.Build<SmallClassifier>(settings));

        Assert.Equal(2, exitCode);
        Assert.Contains(harness.Logs, l => l.Contains("Ibex:Training:Device = cuda:63:", StringComparison.Ordinal) && l.Contains("Use Device = auto or cpu", StringComparison.Ordinal));
    }

    [Fact]
    public void TheWorkerProcessReportsAnUnparsableValueWithoutAStackTrace()
    {
        using var worker = WorkerProcess.Start(("Beta", "abc"), ("CheckpointDirectory", harness.CheckpointDirectory));
        Assert.True(worker.Process.WaitForExit(TimeSpan.FromSeconds(60)), "the worker did not stop");
        worker.Process.WaitForExit();

        Assert.Equal(2, worker.Process.ExitCode);
        Assert.Contains("Ibex:Training:Beta = abc is not a number", worker.Output);
        Assert.DoesNotContain("   at ", worker.Output);
    }
}
