using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Ibex.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>Runs a real host around the Ibex worker, with options from an in-memory configuration and captured logs.</summary>
internal sealed class HostHarness : IDisposable
{
    public HostHarness()
    {
        Folder = Directory.CreateTempSubdirectory("ibex-host-").FullName;
    }

    public string Folder { get; }

    public string CheckpointDirectory => Path.Combine(Folder, "checkpoints");

    public string OutputDirectory => Path.Combine(Folder, "output");

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Options for a small, fast CPU run on synthetic data.</summary>
    public Dictionary<string, string?> SyntheticRun(int epochs, long seed) => new()
    {
        ["Ibex:Training:Epochs"] = epochs.ToString(),
        ["Ibex:Training:BatchSize"] = "50",
        ["Ibex:Training:Seed"] = seed.ToString(),
        ["Ibex:Training:Device"] = "cpu",
        ["Ibex:Training:Data:Source"] = "Synthetic",
        ["Ibex:Training:Data:SyntheticExamples"] = "600",
        ["Ibex:Training:CheckpointDirectory"] = CheckpointDirectory,
        ["Ibex:Training:OutputDirectory"] = OutputDirectory,
        ["Ibex:Training:MonteCarloSamples"] = "8",
    };

    /// <summary>Builds the host; <paramref name="services"/> may add or replace services.</summary>
    public IHost Build<TNetwork>(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null, string? contentRoot = null)
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new CapturingLoggerProvider(Logs));
        services?.Invoke(builder.Services);
        builder.Services.AddIbexTraining<TNetwork>();
        return builder.Build();
    }

    /// <summary>Runs the host to its end and returns the process exit code it set.</summary>
    public async Task<int> RunAsync(IHost host)
    {
        Environment.ExitCode = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await host.RunAsync(timeout.Token);
        int exitCode = Environment.ExitCode;
        Environment.ExitCode = 0;
        Assert.False(timeout.IsCancellationRequested, "the host did not stop by itself within 2 minutes");
        return exitCode;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(logs);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => logs.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.Message)}");
    }
}
