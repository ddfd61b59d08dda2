using System;
using Ibex.Runtime.Telemetry;
using Ibex.Runtime.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ibex.Runtime.Hosting
{
    /// <summary>Registers Ibex's hosted trainer.</summary>
    public static class IbexHostingExtensions
    {
        /// <summary>
        /// Trains <typeparamref name="TNetwork"/> when the host runs: binds <see cref="TrainingOptions"/> from the
        /// <c>Ibex:Training</c> section (source-generated binding), validates them when the host starts, and registers the
        /// worker, the default data source, the console progress display and the <c>Ibex.Training</c> metrics.
        /// </summary>
        /// <param name="services">The host's services.</param>
        /// <param name="configure">Adjusts the options after binding (for example from code or tests).</param>
        public static IServiceCollection AddIbexTraining<TNetwork>(this IServiceCollection services, Action<TrainingOptions>? configure = null)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            // Bound after a check of every value's text, so that an unparsable value is a validation failure naming its key.
            var builder = services.AddOptions<TrainingOptions>().Configure<IConfiguration>((options, configuration) =>
            {
                var section = configuration.GetSection(TrainingOptions.SectionName);
                var problems = TrainingConfigurationKeys.Problems(configuration);
                problems.AddRange(TrainingConfigurationText.Problems(section));
                if (problems.Count > 0)
                {
                    options.ConfigurationProblems = problems;
                    return;
                }

                section.Bind(options);
            });
            if (configure is not null)
            {
                builder.Configure(configure);
            }

            builder.ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainingOptions>, TrainingOptionsValidator>());
            services.TryAddSingleton<ITrainingDataSource, OptionsTrainingDataSource>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrainingObserver, ConsoleProgress>());
            services.AddMetrics();
            services.TryAddSingleton<TrainingMetrics>();
            // Room to finish the current batch and write a checkpoint after Ctrl+C or SIGTERM.
            services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(60));
            services.AddHostedService<TrainingWorker<TNetwork>>();
            return services;
        }
    }
}
