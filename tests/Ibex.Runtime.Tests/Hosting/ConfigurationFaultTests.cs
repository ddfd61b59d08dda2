using System;
using System.IO;
using System.Threading.Tasks;
using Ibex.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>
/// Configuration the binder would silently ignore, and configuration the host cannot read, stop the worker before any
/// training with one line per problem (exit code 2): typos and misplaced keys with a did-you-mean, lists for values, values
/// for sections, malformed JSON with its line and position, and unknown command-line switches.
/// </summary>
public sealed class ConfigurationFaultTests : IDisposable
{
    private readonly HostHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Theory]
    [InlineData("Ibex:Training:Epoch", "1", "Ibex:Training:Epoch is not a setting of the hosted trainer; did you mean Ibex:Training:Epochs?")]
    [InlineData("Ibex:Training:TrainSize", "100", "Ibex:Training:TrainSize is not a setting of the hosted trainer; did you mean Ibex:Training:Data:TrainSize?")]
    [InlineData("Ibex:Training:Data:Sorce", "Csv", "Ibex:Training:Data:Sorce is not a setting of the hosted trainer; did you mean Ibex:Training:Data:Source?")]
    [InlineData("Ibex:Training:Epochs:0", "3", "Ibex:Training:Epochs is given as a list or section (Ibex:Training:Epochs:0), but it takes a single value.")]
    [InlineData("Ibex:Training:Data", "abc", "Ibex:Training:Data = abc: Ibex:Training:Data is a section, not a value; set its keys")]
    [InlineData("Ibex:Trainig:Epochs", "3", "Ibex:Trainig is not a section Ibex reads (it reads Ibex:Training and Ibex:Prediction); did you mean Ibex:Training?")]
    [InlineData("ibex:training:epochz", "3", "did you mean Ibex:Training:Epochs?")]
    [InlineData("Ibex:Training:Telemetry:Otlp:Endpont", "http://localhost:4317", "Ibex:Training:Telemetry:Otlp:Endpont is not a setting of the hosted trainer; did you mean Ibex:Training:Telemetry:Otlp:Endpoint?")]
    [InlineData("Ibex:Training:Telemetry:Otlp:Endpoint", "localhost:4317", "Ibex:Training:Telemetry:Otlp:Endpoint = localhost:4317 is invalid: it must be an absolute http or https address")]
    [InlineData("Ibex:Training:Telemetry:Otlp:Protocol", "udp", "Ibex:Training:Telemetry:Otlp:Protocol = udp is not one of Grpc, HttpProtobuf.")]
    [InlineData("Ibex:Training:Telemetry:Prometheus:Port", "70000", "Ibex:Training:Telemetry:Prometheus:Port = 70000 is invalid: it must be a TCP port between 1 and 65535, or 0 for no endpoint.")]
    [InlineData("Ibex:Training:TensorBoard:HistogramIntervalEpochs", "0", "Ibex:Training:TensorBoard:HistogramIntervalEpochs = 0 is invalid: it must be between 1 and 1000000.")]
    [InlineData("Ibex:Training:TensorBoard", "runs/tb", "Ibex:Training:TensorBoard = runs/tb: Ibex:Training:TensorBoard is a section, not a value; set its keys, such as Ibex:Training:TensorBoard:Directory.")]
    [InlineData("Ibex:Training:HtmlReport", "yes", "Ibex:Training:HtmlReport = yes is not true or false.")]
    public async Task AKeyTheTrainerDoesNotReadStopsTheHostAtStart(string key, string value, string expected)
    {
        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings[key] = value;
        using var host = harness.Build<SmallClassifier>(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message);
        Assert.False(Directory.Exists(harness.CheckpointDirectory), "no training may happen with a key it does not read");
    }

    [Fact]
    public async Task MalformedAppSettingsIsOneLineNamingTheFileLineAndPosition()
    {
        string folder = Path.Combine(harness.Folder, "app");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "appsettings.json");
        File.WriteAllText(file, "{\n  \"Ibex\": {\n    \"Training\": { \"Epochs\": 3,, }\n  }\n}\n");
        using var errors = new StringWriter();

        int exitCode = await TrainingHost<SmallClassifier>.RunAsync(Array.Empty<string>(), null, new HostApplicationBuilderSettings { ContentRootPath = folder }, errors);

        Assert.Equal(2, exitCode);
        string text = errors.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(file, text);
        Assert.Contains("is not valid JSON at line 3, position", text);
    }

    [Fact]
    public async Task AnUnknownShortSwitchIsOneLineWithTheFormThatWorks()
    {
        using var errors = new StringWriter();

        int exitCode = await TrainingHost<SmallClassifier>.RunAsync(new[] { "-Epochs=3" }, null, new HostApplicationBuilderSettings { ContentRootPath = harness.Folder }, errors);

        Assert.Equal(2, exitCode);
        string text = errors.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("-Epochs=3", text);
        Assert.Contains("--Ibex:Training:Epochs=3", text);
    }

    [Fact]
    public async Task AKeyTheTrainerDoesNotReadEndsTheProgramWithExitCodeTwo()
    {
        using var errors = new StringWriter();
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();

        int exitCode = await TrainingHost<SmallClassifier>.RunAsync(new[] { "--Ibex:Training:Epoch=1" },
            builder => builder.Logging.AddProvider(new QueueLoggerProvider(logs)), new HostApplicationBuilderSettings { ContentRootPath = harness.Folder }, errors);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "Invalid configuration:\n  Ibex:Training:Epoch is not a setting of the hosted trainer; did you mean Ibex:Training:Epochs?\n",
            errors.ToString().ReplaceLineEndings("\n"));
        Assert.DoesNotContain(logs, l => l.Contains("Hosting failed to start", StringComparison.Ordinal));
    }

    private sealed class QueueLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> logs) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new QueueLogger(logs);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(System.Collections.Concurrent.ConcurrentQueue<string> logs) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => logs.Enqueue(formatter(state, exception));
    }
}
