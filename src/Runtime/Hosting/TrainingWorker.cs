using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Native;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Telemetry;
using Ibex.Runtime.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// Runs <typeparamref name="TNetwork"/> once through <see cref="TrainingRun{TNetwork}"/>, as configured by
    /// <see cref="TrainingOptions"/>, then stops the host (exit code 0). When the host is stopped (Ctrl+C, SIGTERM) the run
    /// checkpoints and the worker exits with <see cref="StoppedExitCode"/>; the next start resumes. A refusal at start
    /// (options, folders, device, resume) exits with 2, a failure with 1, each logged in one line. Started by an MPI launcher
    /// as several processes (<c>mpiexec -n K</c>, <c>srun --mpi=pmi2</c>) it trains data-parallel (<see cref="DataParallelOptions"/>).
    /// </summary>
    /// <typeparam name="TNetwork">A generated network.</typeparam>
    public sealed class TrainingWorker<TNetwork>(
        IOptions<TrainingOptions> options,
        ITrainingDataSource dataSource,
        IEnumerable<ITrainingObserver> observers,
        TrainingMetrics metrics,
        IHostApplicationLifetime lifetime,
        ILogger<TrainingWorker<TNetwork>> logger) : BackgroundService
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        /// <summary>
        /// The exit code of a run stopped before its end (Ctrl+C, SIGTERM) with everything checkpointed: starting it again
        /// continues it. 0 is a finished run, 1 a failure, 2 a refusal at start (options, folders, device, resume).
        /// </summary>
        public const int StoppedExitCode = 3;

        /// <inheritdoc/>
        public override Task StartAsync(CancellationToken cancellationToken)
        {
            // Until the run finishes or is refused, a stop at any moment exits with 3, never 0. Set here: BackgroundService
            // starts ExecuteAsync through Task.Run with the stopping token, and a stop before the thread pool runs it cancels it unrun.
            Environment.ExitCode = StoppedExitCode;
            return base.StartAsync(cancellationToken);
        }

        /// <inheritdoc/>
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // Training is synchronous TorchSharp work; keep it on one background thread (dispose scopes and grad mode are thread-local).
            await Task.Yield();

            // Stop as soon as the application starts stopping, not only when the host cancels this service: that leaves the
            // whole shutdown timeout for the checkpoint.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
            var (code, stop) = Exit(() => Train(stopping.Token), stopping);
            Environment.ExitCode = code;
            if (stop && options.Value.Telemetry?.Prometheus is { Port: > 0, KeepServingSeconds: > 0 } prometheus)
            {
                // Prometheus pulls: keep /metrics up until its next scrape has seen the last epoch.
                Log.KeepingMetricsEndpoint(logger, prometheus.KeepServingSeconds);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(prometheus.KeepServingSeconds), stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            if (stop)
            {
                lifetime.StopApplication();
            }
        }

        /// <summary>The exit code of the run, and whether the worker must stop the host itself.</summary>
        private (int Code, bool StopHost) Exit(Func<bool> train, CancellationTokenSource stopping)
        {
            try
            {
                return train() ? (0, true) : (StoppedExitCode, false);
            }
            catch (Exception e) when (e is IO.FolderInUseException or IO.FolderUnusableException or DeviceUnavailableException)
            {
                Log.TrainingRejected(logger, e.Message);
                return (2, true);
            }
            catch (ResumeMismatchException e)
            {
                Log.ResumeRefused(logger, e.Path, string.Join("; ", e.Differences.Select(d => $"{TrainingOptions.SectionName}:{d}")), e.Advice);
                return (2, true);
            }
            catch (Exception e) when (e is DatasetException or CheckpointException or TorchNativeLoadException or TrainingDivergedException or IO.FileWriteException or Distributed.DataParallelException)
            {
                // The message says what to do; a stack trace would only bury it.
                Log.TrainingRejected(logger, e.Message);
                return (1, true);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                Log.StoppedBeforeTraining(logger);
                return (StoppedExitCode, false);
            }
            catch (Exception e)
            {
                // On .NET 10 a faulted BackgroundService still lets the host exit with 0; a training job must not.
                Log.TrainingFailed(logger, e, e.Message);
                return (1, true);
            }
        }

        private bool Train(CancellationToken stoppingToken)
        {
            var configured = options.Value;
            var parallel = configured.DataParallel.Join();
            if (configured.LibTorchPath is { Length: > 0 } libTorch && TorchNative.ExternalLibTorch is null)
            {
                TorchNative.UseLibTorch(libTorch, configured.AllowLibTorchVersionMismatch);
            }

            TorchNative.EnsureLoaded();
            if (parallel is { LocalSize: > 1 } && Environment.GetEnvironmentVariable(CpuThreads.ThreadCountVariable) is null)
            {
                // The machine's cores shared among its ranks, unless the launch says otherwise.
                torch.set_num_threads(CpuThreads.Share(parallel.LocalSize));
            }

            var device = RunDevice.Resolve(configured.Device, parallel?.LocalRank);
            TorchDevices.Seed(configured.Seed);
            var run = configured.ToRunOptions(dataSource.Description, parallel);
            if (dataSource is not OptionsTrainingDataSource)
            {
                // A custom source is not described by the data options: its own description defines the data instead.
                run = run with { Training = run.Training with { DataFingerprint = new Dictionary<string, string> { ["Description"] = dataSource.Description } } };
            }

            using var network = TNetwork.Create(device);
            using var training = new TrainingRun<TNetwork>(network, run, observers.Prepend(new WorkerLog(logger, metrics, network, configured.BatchSize, System.IO.Path.Combine(run.OutputDirectory!, RunFiles.Report))));
            training.OpenFolders(); // before the data: a folder in use or a mismatched checkpoint is refused at once
            using var data = dataSource.Load(network.Description, stoppingToken);
            var result = training.Run(data.Train, data.Test, stoppingToken);

            // Every rank got here (a failed one ends the job instead): MPI_Finalize is collective.
            parallel?.Dispose();
            return result.Completed;
        }
    }
}
