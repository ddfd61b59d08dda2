using System;
using System.Globalization;
using Ibex.Runtime.Telemetry;
using Ibex.Runtime.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ibex.Runtime.Hosting
{
    /// <summary>Wires the <c>Ibex.Training</c> meter and activity source into OpenTelemetry, exporting as configuration says.</summary>
    public static class IbexTelemetryExtensions
    {
        /// <summary>
        /// Calls OpenTelemetry's <c>AddOpenTelemetry()</c> with the <c>Ibex.Training</c> meter and activity source, and adds
        /// the exporters <c>Ibex:Training:Telemetry</c> configures: OTLP (metrics and spans) when <c>Otlp:Endpoint</c> is
        /// set, a Prometheus scrape endpoint (metrics) when <c>Prometheus:Port</c> is. With neither, nothing leaves the
        /// process; an application that calls <c>AddOpenTelemetry()</c> itself adds its own exporters to the same providers
        /// and sees Ibex's metrics and spans there. <see cref="TrainingHost{TNetwork}"/> calls this; call it when you build
        /// the host yourself. Values that cannot be read are left to the options validator, which refuses to start with them.
        /// </summary>
        /// <param name="services">The host's services.</param>
        /// <param name="configuration">The host's configuration.</param>
        /// <param name="serviceName">OpenTelemetry's <c>service.name</c>, unless <c>OTEL_SERVICE_NAME</c> sets it.</param>
        public static IServiceCollection AddIbexTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName = "ibex")
        {
            ArgumentNullException.ThrowIfNull(configuration);
            var section = configuration.GetSection(TrainingOptions.SectionName + ":Telemetry");
            Uri? otlp = Uri.TryCreate(section["Otlp:Endpoint"], UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https" ? endpoint : null;
            var protocol = Enum.TryParse<OtlpTransport>(section["Otlp:Protocol"], ignoreCase: true, out var transport) && transport == OtlpTransport.HttpProtobuf
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            int port = int.TryParse(section["Prometheus:Port"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) && p is > 0 and <= 65535 ? p : 0;
            string host = section["Prometheus:Host"] is { Length: > 0 } h ? h : "localhost";

            void Otlp(OtlpExporterOptions options, string signalPath)
            {
                options.Protocol = protocol;
                // Over HTTP the exporter appends nothing to an endpoint set in code: name the signal's path as OTLP/HTTP defines it.
                options.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(otlp!, signalPath) : otlp!;
            }

            services.AddOpenTelemetry()
                .ConfigureResource(resource =>
                {
                    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
                    {
                        resource.AddService(serviceName);
                    }
                })
                .WithMetrics(metrics =>
                {
                    metrics.AddMeter(TrainingMetrics.MeterName);
                    if (otlp is not null)
                    {
                        metrics.AddOtlpExporter(options => Otlp(options, "v1/metrics"));
                    }

                    if (port > 0)
                    {
                        metrics.AddPrometheusHttpListener(options =>
                        {
                            options.Host = host;
                            options.Port = port;
                        });
                    }
                })
                .WithTracing(tracing =>
                {
                    tracing.AddSource(TrainingActivities.SourceName);
                    if (otlp is not null)
                    {
                        tracing.AddOtlpExporter(options => Otlp(options, "v1/traces"));
                    }
                });
            return services;
        }
    }
}
