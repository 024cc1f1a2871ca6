using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry.Resources;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api;

/// <summary>
/// OpenTelemetry wired by hand (OpenTelemetry.Extensions.Hosting is not available): ASP.NET Core's and
/// Npgsql's built-in sources plus the store's, exported over OTLP only when an endpoint is configured.
/// </summary>
internal static class Telemetry
{
    private static readonly string[] Sources = ["Microsoft.AspNetCore", "Npgsql", EventStoreTelemetry.Name];
    private static readonly string[] Meters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql", EventStoreTelemetry.Name];

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return;
        var resource = ResourceBuilder.CreateDefault().AddService("register-ects-api");
        var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Sources).AddOtlpExporter().Build();
        var meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters).AddOtlpExporter().Build();
        builder.Services.AddSingleton(new TelemetryProviders(tracer, meter));
    }

    /// <summary>Owned by the container so the providers flush and dispose on shutdown.</summary>
    private sealed class TelemetryProviders(TracerProvider tracer, MeterProvider meter) : IDisposable
    {
        public void Dispose()
        {
            tracer.Dispose();
            meter.Dispose();
        }
    }
}
