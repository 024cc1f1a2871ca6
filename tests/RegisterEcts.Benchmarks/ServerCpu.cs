using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace RegisterEcts.Benchmarks;

/// <summary>
/// The CPU time the PostgreSQL server's processes have used, when the server runs on this machine: the postmaster and
/// every process it started, from /proc. It tells a workload's server share from its client share, and so what this
/// machine allows whatever the client costs: on n cores, a workload whose server takes t ms of CPU per operation cannot
/// pass n × 1,000 / t operations/s.
/// </summary>
public sealed class ServerCpu
{
    private readonly int _postmaster;

    private ServerCpu(int postmaster) => _postmaster = postmaster;

    /// <summary>The server behind <paramref name="dataSource"/>, or null when it is not on this machine (or this is not Linux).</summary>
    public static async Task<ServerCpu?> FindAsync(NpgsqlDataSource dataSource)
    {
        if (!OperatingSystem.IsLinux()) return null;
        await using var cmd = dataSource.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await cmd.ExecuteScalarAsync())!;
        // A backend of a server elsewhere has a pid that here is some other process, or none: both must be postgres.
        if (Stat(backend) is not { Comm: "postgres" } stat || Stat(stat.Parent) is not { Comm: "postgres" }) return null;
        return new ServerCpu(stat.Parent);
    }

    /// <summary>
    /// CPU used so far by the postmaster and its processes: the live ones' own, and, through the postmaster's counts of
    /// its children that have ended, theirs too (a backend whose connection closed during a measurement still counts).
    /// </summary>
    public TimeSpan Used()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Stat(pid) is not { } stat) continue;
            if (pid == _postmaster) ticks += stat.Own + stat.EndedChildren;
            else if (stat.Parent == _postmaster) ticks += stat.Own;
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>The most operations/s this machine's cores allow when each takes <paramref name="perOperation"/> of CPU.</summary>
    public static double Ceiling(TimeSpan perOperation) => Environment.ProcessorCount / perOperation.TotalSeconds;

    private sealed record ProcessStat(string Comm, int Parent, long Own, long EndedChildren);

    private static ProcessStat? Stat(int pid)
    {
        string line;
        try { line = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; } // gone between listing and reading
        catch (UnauthorizedAccessException) { return null; }
        // "pid (comm) state ppid … utime stime cutime cstime …": comm may hold spaces and parentheses, so fields count from the last ')'.
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        var fields = line[(close + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new ProcessStat(line[(open + 1)..close], (int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
    }
}

/// <summary>CPU used from its start by the server (null when it is elsewhere) and by this process (the benchmark's clients, reading, projecting).</summary>
public sealed class CpuWatch
{
    private readonly ServerCpu? _server;
    private readonly TimeSpan? _serverStart;
    private readonly TimeSpan _processStart;

    private CpuWatch(ServerCpu? server) =>
        (_server, _serverStart, _processStart) = (server, server?.Used(), Process.GetCurrentProcess().TotalProcessorTime);

    public static CpuWatch Start(ServerCpu? server) => new(server);

    public (TimeSpan? Server, TimeSpan Process) Elapsed() =>
        (_server?.Used() - _serverStart, Process.GetCurrentProcess().TotalProcessorTime - _processStart);
}
