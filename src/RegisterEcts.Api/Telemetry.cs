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

        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return;
        // Read from configuration (environment, appsettings or a test's settings) rather than left to the exporter,
        // which reads only environment variables. http/protobuf posts each signal to its own path under the endpoint.
        var http = builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf";
        void Exporter(OtlpExporterOptions o, string signal)
        {
            o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            o.Endpoint = new Uri(http ? $"{endpoint.TrimEnd('/')}/v1/{signal}" : endpoint);
        }
        var resource = ResourceBuilder.CreateDefault().AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "register-ects-api");
        var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Sources).AddOtlpExporter(o => Exporter(o, "traces")).Build();
        var meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters).AddOtlpExporter(o => Exporter(o, "metrics")).Build();
        // A hosted service, so the host stops it (flushing spans and the last metrics) on shutdown; an instance
        // registered as a plain singleton would never be disposed by the container.
        builder.Services.AddHostedService(_ => new TelemetryProviders(tracer, meter));
    }

    /// <summary>
    /// Names the request's span by method and route and adds the semantic-convention tags a collector groups by:
    /// ASP.NET Core starts the span but, without the instrumentation package (not available here), leaves it bare.
    /// </summary>
    public static void UseRequestSpans(this WebApplication app) => app.Use(async (context, next) =>
    {
        var activity = System.Diagnostics.Activity.Current;
        try
        {
            await next(context);
        }
        finally
        {
            if (activity is { IsAllDataRequested: true })
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                activity.DisplayName = $"{context.Request.Method} {route ?? context.Request.Path.Value}";
                activity.SetTag("http.request.method", context.Request.Method);
                activity.SetTag("url.path", context.Request.Path.Value);
                activity.SetTag("http.route", route);
                activity.SetTag("http.response.status_code", context.Response.StatusCode);
            }
        }
    });

    /// <summary>Flushes and disposes the providers when the host stops.</summary>
    private sealed class TelemetryProviders(TracerProvider tracer, MeterProvider meter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracer.ForceFlush(5_000);
            meter.ForceFlush(5_000);
            tracer.Dispose();
            meter.Dispose();
            return Task.CompletedTask;
        }
    }
}
