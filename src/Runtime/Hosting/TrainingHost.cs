using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// A worker program's whole <c>Main</c>: builds the host from the command line, the environment and
    /// <c>appsettings.json</c>, trains <typeparamref name="TNetwork"/> with <see cref="IbexHostingExtensions.AddIbexTraining"/>,
    /// and returns the process exit code. Configuration that cannot be read or does not fit (malformed JSON, an unknown
    /// command-line switch, a misspelled or misplaced key, an invalid value) is reported as one line per problem on standard
    /// error, with exit code 2, before anything is trained. It returns only once the worker has left libtorch, and from the
    /// moment the host has stopped it ignores SIGTERM and SIGINT for the rest of the process, so that a stop request during
    /// the teardown cannot turn a finished or checkpointed run's exit code into the runtime's 143 or 130: return its result
    /// from <c>Main</c>.
    /// </summary>
    /// <typeparam name="TNetwork">The generated network type.</typeparam>
    public static class TrainingHost<TNetwork>
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        /// <summary>The exit code for configuration that cannot be read or is invalid.</summary>
        public const int ConfigurationErrorExitCode = 2;

        /// <summary>Runs the worker; <paramref name="configure"/> may add services, logging or configuration before the host is built.</summary>
        /// <param name="args">The command line: settings as <c>--Ibex:Training:Epochs=3</c>.</param>
        /// <param name="configure">Changes to the builder, after Ibex's registrations.</param>
        /// <param name="settings">The builder's settings (content root, environment); <paramref name="args"/> replaces their Args.</param>
        public static Task<int> RunAsync(string[] args, Action<HostApplicationBuilder>? configure = null, HostApplicationBuilderSettings? settings = null)
            => RunAsync(args, configure, settings, Console.Error);

        internal static async Task<int> RunAsync(string[] args, Action<HostApplicationBuilder>? configure, HostApplicationBuilderSettings? settings, TextWriter errors)
        {
            ArgumentNullException.ThrowIfNull(args);
            settings ??= new HostApplicationBuilderSettings();
            settings.Args = args;
            HostApplicationBuilder builder;
            try
            {
                builder = Host.CreateApplicationBuilder(settings);
            }
            catch (Exception e) when (Unreadable(e) is { } problem)
            {
                errors.WriteLine(problem);
                return ConfigurationErrorExitCode;
            }

            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
            builder.Services.AddIbexTraining<TNetwork>();
            builder.Services.AddIbexTelemetry(builder.Configuration, typeof(TNetwork).Name);
            configure?.Invoke(builder);
            using var host = builder.Build();
            try
            {
                // Validated before the host starts, so that a configuration mistake is the lines below and not also the
                // host's own "Hosting failed to start" error with its stack trace.
                _ = host.Services.GetRequiredService<IOptions<TrainingOptions>>().Value;
                var workers = host.Services.GetServices<IHostedService>().OfType<TrainingWorker<TNetwork>>().ToArray();
                await host.RunAsync().ConfigureAwait(false);
                IgnoreLateStopSignals();

                // Main must not return, and the runtime tear libtorch down, while the worker is still inside it (after the
                // host's shutdown timeout the host returns without it). A stop is honoured within one batch or one weight
                // sample, so this wait is short.
                foreach (var worker in workers)
                {
                    if (worker.ExecuteTask is { } running)
                    {
                        await running.ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM while the host was still starting: nothing ran yet, so starting again is all there is to do.
                return TrainingWorker<TNetwork>.StoppedExitCode;
            }
            catch (OptionsValidationException invalid)
            {
                errors.WriteLine("Invalid configuration:");
                foreach (var failure in invalid.Failures)
                {
                    errors.WriteLine("  " + failure);
                }

                return ConfigurationErrorExitCode;
            }

            return Environment.ExitCode;
        }

        /// <summary>Kept for the life of the process: see <see cref="IgnoreLateStopSignals"/>.</summary>
        private static PosixSignalRegistration[]? lateStopSignals;

        /// <summary>
        /// Once the host has stopped, the run has finished or checkpointed and its exit code is set; a SIGTERM or SIGINT that
        /// arrives while the process winds down (the host no longer handles them) must not replace that code with the
        /// runtime's default (143 or 130) and cut the teardown short.
        /// </summary>
        private static void IgnoreLateStopSignals()
        {
            if (lateStopSignals is not null || OperatingSystem.IsBrowser() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsAndroid())
            {
                return;
            }

            lateStopSignals = new[]
            {
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true),
                PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true),
            };
        }

        /// <summary>One line for configuration the host could not read: a JSON file with its line and position, or a command-line argument.</summary>
        private static string? Unreadable(Exception e)
        {
            if (e is InvalidDataException file)
            {
                for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
                {
                    if (inner is JsonException json)
                    {
                        return $"{file.Message.TrimEnd('.')}: it is not valid JSON at line {json.LineNumber + 1}, position {json.BytePositionInLine + 1} ({FirstSentence(json.Message)}). Fix the file, or remove it to use the defaults.";
                    }
                }

                return $"{file.Message.TrimEnd('.')}: {FirstSentence(e.InnerException?.Message ?? "it could not be read")}.";
            }

            return e is FormatException format
                ? $"The command line could not be read: {format.Message.TrimEnd('.')}. Give settings as --Ibex:Training:Epochs=3 (two dashes, the full key)."
                : null;
        }

        private static string FirstSentence(string message)
        {
            int end = message.IndexOf(". ", StringComparison.Ordinal);
            return (end < 0 ? message : message.Substring(0, end)).TrimEnd('.');
        }
    }
}
