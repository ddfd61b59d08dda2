using System;
using Ibex.Runtime.Prediction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ibex.Runtime.Hosting
{
    /// <summary>Registers a <see cref="Predictor{TNetwork}"/> for a service.</summary>
    public static class IbexPredictionExtensions
    {
        /// <summary>
        /// Registers one <see cref="Predictor{TNetwork}"/> for the whole application, loaded from <paramref name="path"/>
        /// (a file written by <c>NetworkFile.Save</c> or the hosted trainer) when it is first resolved, and disposed with the
        /// container. It is thread-safe, so every request can share it.
        /// </summary>
        /// <param name="services">The application's services.</param>
        /// <param name="path">The saved network.</param>
        /// <param name="configure">Sets the memory budget and the Monte-Carlo seed.</param>
        public static IServiceCollection AddIbexPrediction<TNetwork>(this IServiceCollection services, string path, Action<PredictionOptions>? configure = null)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            ArgumentNullException.ThrowIfNull(services);
            ArgumentException.ThrowIfNullOrEmpty(path);
            services.TryAddSingleton(_ =>
            {
                var options = new PredictionOptions();
                configure?.Invoke(options);
                return Predictor<TNetwork>.Load(path, options);
            });
            return services;
        }
    }
}
