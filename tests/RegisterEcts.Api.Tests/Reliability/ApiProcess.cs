using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RegisterEcts.Testing;

namespace RegisterEcts.Api.Tests.Reliability;

/// <summary>
/// The built API (RegisterEcts.Api.dll) run as an OS process of its own, as `dotnet RegisterEcts.Api.dll`, on a free
/// loopback port and a given schema, so a test can kill it with SIGKILL and start it again.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// 137 (128 + 9) after SIGKILL.
    public int ExitCode => _process.ExitCode;

    /// The last lines the process wrote, for a failure message.
    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// The API's own build output, in the configuration this test assembly was built in (Debug for build/test.sh).
    public static string DllPath()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!.Name;
        var dll = Path.Combine(TestDatabase.RepositoryRoot(), "src", "RegisterEcts.Api", "bin", configuration, tfm.Name, "RegisterEcts.Api.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the API first: {dll} is not there", dll);
    }

    public static ApiProcess Start(string schema)
    {
        var dll = DllPath();
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", ["exec", dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__RegisterEcts"] = TestDatabase.ConnectionString;
        start.Environment["RegisterEcts__Schema"] = schema;
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        // Development migrates on start (appsettings.Development.json) and allows X-With-Server-Date.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        // Only the commands of the test write: no roll-over at midnight in the middle of a run.
        start.Environment["RegisterEcts__DailyRollOver"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var process = new Process { StartInfo = start };
        var api = new ApiProcess(process, address);
        process.OutputDataReceived += (_, e) => api.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => api.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line.Length > 500 ? line[..500] : line);
            while (_output.Count > 40) _output.Dequeue();
        }
    }

    /// Polls /health/ready until it answers 200; fails with the process's output if it exits or the time runs out.
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The API process exited with {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The API was not ready within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    /// Resident and peak resident memory (VmRSS, VmHWM from /proc), in MiB; null where there is no /proc.
    public (long Rss, long Peak)? MemoryMiB()
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return null;
        var lines = File.ReadAllLines(status);
        long Kib(string key) => long.Parse(lines.First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0]);
        return (Kib("VmRSS:") / 1024, Kib("VmHWM:") / 1024);
    }

    /// SIGKILL: Process.Kill sends SIGKILL on Linux and macOS, so nothing in the process runs after it (no shutdown, no flush).
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(wait.Token);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
