using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Dashboard.Web.Hosting;

public static class Telemetry
{
    /// <summary>
    /// Metrics and structured logs over OTLP, only when an endpoint is configured (OpenTelemetry:OtlpEndpoint or the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT): without one nothing is registered, so a plain install pays nothing.
    /// </summary>
    public static IServiceCollection AddDashboardTelemetry(this IServiceCollection services, IConfiguration config)
    {
        var own = config["OpenTelemetry:OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(own) && string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }

        // Without our own setting the exporter reads the OTEL_EXPORTER_OTLP_* variables itself (protocol, headers too).
        void Endpoint(OpenTelemetry.Exporter.OtlpExporterOptions o)
        {
            if (!string.IsNullOrWhiteSpace(own))
            {
                o.Endpoint = new Uri(own);
            }
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(config["OpenTelemetry:ServiceName"] is { Length: > 0 } name ? name : "dashboard"))
            .WithMetrics(m => m
                .AddMeter(DashboardMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
                .AddOtlpExporter(Endpoint))
            .WithLogging(l => l.AddOtlpExporter(Endpoint), o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
            });
        return services;
    }
}
