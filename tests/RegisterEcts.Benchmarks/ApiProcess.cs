using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RegisterEcts.Benchmarks;

/// <summary>
/// The real API, Release build, as a process of its own on a free loopback port: Kestrel, the whole middleware
/// pipeline and its own memory, so its RSS is the API's and not the benchmark client's.
/// Production environment: the settings a deployment runs with (no development-time service-provider
/// validation, AspNetCore logs at Warning). The benchmark never needs X-With-Server-Date (which only works
/// outside Production): its commands happen "today", by the API's own clock.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private bool _disposed;

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>The API's Release build, next to the sources (build/bench.sh builds it).</summary>
    public static string DefaultDll(string repository) =>
        Path.Combine(repository, "src", "RegisterEcts.Api", "bin", "Release", "net10.0", "RegisterEcts.Api.dll");

    /// <summary>Starts the API on a schema the caller has already migrated, and waits until /health answers.</summary>
    public static async Task<ApiProcess> StartAsync(string dll, string connectionString, string schema)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"The API's Release build is missing: {dll}. Run build/bench.sh, which builds it.", dll);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // its content root: appsettings.json sits there
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__RegisterEcts"] = connectionString;
        start.Environment["RegisterEcts__Schema"] = schema;
        // The benchmark migrates and seeds first; the nightly job must not wake up mid-run.
        start.Environment["RegisterEcts__MigrateOnStart"] = "false";
        start.Environment["RegisterEcts__DailyRollOver"] = "false";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the API process.");
        var api = new ApiProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => api.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => api.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) break;
            try
            {
                if ((await probe.GetAsync(new Uri(api.Address, "/health"))).IsSuccessStatusCode) return api;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        var tail = api.Tail();
        await api.DisposeAsync();
        throw new InvalidOperationException($"The API did not become healthy on {api.Address}. Its last output:\n{tail}");
    }

    /// <summary>VmRSS (now) and VmHWM (the peak since start) from /proc, in MiB; null off Linux.</summary>
    public (double? Rss, double? Peak) Memory()
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return (null, null);
        double? Field(string name) => File.ReadLines(status).Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => (double?)long.Parse(l[(name.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        return (Field("VmRSS"), Field("VmHWM"));
    }

    /// <summary>CPU time the API process has used (user + system), from /proc/&lt;pid&gt;/stat; null off Linux.</summary>
    public TimeSpan? CpuTime()
    {
        var stat = $"/proc/{_process.Id}/stat";
        if (!File.Exists(stat)) return null;
        var text = File.ReadAllText(stat);
        // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are the 12th and 13th.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    public string Tail()
    {
        lock (_tail) return string.Join('\n', _tail);
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 40) _tail.Dequeue();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the API; safe to call again (a caller may stop it early to free the cores).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
