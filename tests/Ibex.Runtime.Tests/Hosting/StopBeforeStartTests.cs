using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

/// <summary>
/// A stop that comes before the worker's body has run leaves exit code 3, not 0: on .NET 10 <see cref="BackgroundService"/>
/// starts <c>ExecuteAsync</c> through <c>Task.Run</c> with the stopping token, so a stop in that instant cancels it unrun,
/// and the process would otherwise end as if the run had finished.
/// </summary>
public sealed class StopBeforeStartTests : IDisposable
{
    private readonly HostHarness harness = new();

    public void Dispose()
    {
        Environment.ExitCode = 0;
        harness.Dispose();
    }

    [Fact]
    public async Task AWorkerStoppedBeforeItsBodyRunsLeavesExitCode3()
    {
        using var host = harness.Build<SmallClassifier>(harness.SyntheticRun(epochs: 1, seed: new Random().Next()));
        var worker = Assert.IsType<TrainingWorker<SmallClassifier>>(host.Services.GetServices<IHostedService>().Single(s => s is TrainingWorker<SmallClassifier>));
        Environment.ExitCode = 0;

        await worker.StartAsync(new CancellationToken(canceled: true));
        var body = worker.ExecuteTask;
        Assert.NotNull(body);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => body!);
        await worker.StopAsync(CancellationToken.None);

        Assert.Empty(harness.Logs);
        Assert.Equal(TrainingWorker<SmallClassifier>.StoppedExitCode, Environment.ExitCode);
    }
}
