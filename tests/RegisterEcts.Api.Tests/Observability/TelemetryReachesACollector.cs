using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace RegisterEcts.Api.Tests.Observability;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, the API exports traces and metrics over OTLP: the requests, the database
/// calls and the event store's spans and counters. A stand-in collector on loopback receives what is exported
/// (OTLP over http/protobuf; names travel as plain UTF-8 inside the protobuf).
/// </summary>
public sealed class telemetry_reaches_an_otlp_collector : IAsyncLifetime
{
    private readonly Collector _collector = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _collector.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task requests_database_calls_and_appends_are_exported_as_traces_and_metrics()
    {
        var api = new ExportingApi(_collector.Endpoint);
        await api.InitializeAsync(); // seeds reference data and schools: appends through the store
        var client = api.CreateClient();
        // Spans are exported in batches every few seconds, and the batch queue drops spans when full: the seeding
        // above queued plenty, and the listener is process-wide, so it also hears every other test class's hosts
        // running in parallel. Keep asking until this request's span has gone out, then stop the host, which
        // flushes the rest (the last metrics among them).
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !_collector.Received("/v1/traces").Contains("GET /health/ready");)
        {
            (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
            await Task.Delay(500);
        }
        await ((IAsyncLifetime)api).DisposeAsync();

        var traces = _collector.Received("/v1/traces");
        traces.ShouldContain("register-ects-api");
        traces.ShouldContain("es.append");
        traces.ShouldContain("Microsoft.AspNetCore");
        traces.ShouldContain("GET /health/ready");
        traces.ShouldContain("http.response.status_code");
        traces.ShouldContain("postgresql");
        var metrics = _collector.Received("/v1/metrics");
        metrics.ShouldContain("es.appends");
        metrics.ShouldContain("es.events.appended");
        metrics.ShouldContain("http.server.request.duration");
    }

    private sealed class ExportingApi(string endpoint) : ApiWithSchools
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
            builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        }
    }

    /// <summary>Accepts OTLP/HTTP posts and keeps their bodies by path.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = [];

        public Collector()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _ = Task.Run(ListenAsync);
        }

        public string Endpoint { get; }

        /// Everything posted to the path, as one string (protobuf bytes read as Latin-1, so names stay searchable).
        public string Received(string path) =>
            string.Concat(_received.Where(r => r.Path == path).Select(r => Encoding.Latin1.GetString(r.Body)));

        private async Task ListenAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
