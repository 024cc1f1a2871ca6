using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using RegisterEcts.Benchmarks;
using RegisterEcts.EventStore;

// Figures, not pass/fail: every workload runs beside a raw PostgreSQL baseline on the same server, in
// the same run, so the ratios mean something on any machine.
//   --quick               smaller sizes, under 3 minutes
//   --max-teachers N      skip the GET participants sizes above N (1M teachers needs a big machine and time);
//                         below the smallest size, measure at N; 0 skips the reads
//   --schema-prefix P     schemas P, P_careers, P_rebuild, P_http, P_lp_<size> (default "bench"), to share one PostgreSQL
//   --http-only           only the workloads through the API process
//   --store-only          only the store-level workloads (W1, W2, W3)
//   --api-dll PATH        the API's Release build (default: src/RegisterEcts.Api/bin/Release/net10.0)
var quick = args.Contains("--quick");
var httpOnly = args.Contains("--http-only");
var storeOnly = args.Contains("--store-only");
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__RegisterEcts")
    ?? throw new InvalidOperationException("ConnectionStrings__RegisterEcts is not set; run build/bench.sh.");
var streams = quick ? 1_000 : 10_000;
var runs = 3;
var schema = Option("--schema-prefix") ?? "bench";
var maxTeachers = Option("--max-teachers") is { } max ? int.Parse(max, CultureInfo.InvariantCulture) : int.MaxValue;
var teacherSizes = storeOnly ? [] : (quick ? new[] { 2_000, 10_000 } : [100_000, 1_000_000]).Where(n => n <= maxTeachers).DefaultIfEmpty(maxTeachers).Where(n => n > 0).ToArray();
var reuseSeeded = args.Contains("--reuse-seeded");
var apiDll = Option("--api-dll") ?? ApiProcess.DefaultDll(Repository());
var started = Stopwatch.StartNew();

// A process of its own for "W2 rebuild, cold" (started by the run below): nothing JIT-compiled, no pooled connection.
if (Option("--w2-cold") is { } coldSchema)
{
    var coldOptions = new EventStoreOptions { ConnectionString = connectionString, Schema = coldSchema };
    W1.Register(coldOptions);
    coldOptions.InlineProjections.Add(new TeacherStatusProjection());
    await using var coldStore = new PostgresEventStore(coldOptions);
    Console.WriteLine(FormattableString.Invariant($"{W2W3.ColdLine}{(await W2W3.RebuildOnceAsync(coldStore, coldOptions.InlineProjections[0])).Rate}"));
    return 0;
}

await using (var admin = new NpgsqlConnection(connectionString))
{
    await admin.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", admin);
    await drop.ExecuteNonQueryAsync();
}

var options = new EventStoreOptions { ConnectionString = connectionString, Schema = schema };
W1.Register(options);
options.InlineProjections.Add(new TeacherStatusProjection());
await using var store = new PostgresEventStore(options);
await store.MigrateAsync();

var machine = await Machine.DescribeAsync(store);
Console.WriteLine($"# RegisterEcts benchmarks ({(quick ? "quick" : "full")})");
Console.WriteLine($"machine: {machine}");
if (!httpOnly) Console.WriteLine($"W1: {streams:N0} streams x 10 events, 1 event per transaction, one inline projection; median of {runs} runs");
Console.WriteLine();

var table = new List<Row>();
var results = new List<Comparison>();
Percentiles? fold = null, row = null;
(double Ours, double Raw, long Events, TimeSpan Paused, Percentiles Timeline, Percentiles State)? full = null;
FullRebuild.AtScale? rebuildAtScale = null;
if (!httpOnly)
{
    foreach (var writers in new[] { 1, 8 })
    {
        var ours = await Percentiles.MedianAsync(runs, () => W1Append.RunAsync(store, streams, writers));
        var raw = await Percentiles.MedianAsync(runs, () => W1Append.RunRawAsync(store, streams, writers));
        var comparison = new Comparison($"append {writers} writer{(writers == 1 ? "" : "s")}", "events/s", ours, $"raw insert {writers} writer{(writers == 1 ? "" : "s")}", "tx/s", raw);
        results.Add(comparison);
        Console.WriteLine(comparison);
        table.Add(Row.Of(comparison, writers == 8 ? Target.Ratio(comparison.Ratio, 0.50) : ""));
    }

    // W2 and W3 run on the W1 data set, appended once more by 8 writers (the raw runs emptied it).
    await W1Append.RunAsync(store, streams, 8);
    // Both sides on a quiet server: otherwise autovacuum, woken by the 100,000 appends, works through their tables
    // during our rebuilds and is done by the time the COPY runs.
    await ParticipantReads.VacuumAnalyzeAsync(store, schema);
    var (rebuild, copy) = await W2W3.RebuildAsync(store, options.InlineProjections[0]);
    var w2 = new Comparison("W2 rebuild (warm)", "events/s", rebuild, "raw binary COPY", "rows/s", copy);
    results.Add(w2);
    Console.WriteLine(w2);
    table.Add(Row.Of(w2, Target.Ratio(w2.Ratio, 0.40)));
    var w2Cold = new Comparison("W2 rebuild (cold process)", "events/s", await W2W3.RebuildInNewProcessAsync(schema), "raw binary COPY (warm)", "rows/s", copy);
    results.Add(w2Cold);
    Console.WriteLine(w2Cold);
    table.Add(Row.Of(w2Cold, ""));
    (fold, row) = await W2W3.ReadAsync(store, quick ? 2_000 : 10_000);
    Console.WriteLine($"W3 read: fold a 10-event stream {fold} | load its projected row {row}");
    table.Add(new("W3 read: fold a 10-event stream", fold.ToString(), "", "", Target.AtMost(fold.P99, 0.2, "p99", "ms")));
    table.Add(new("W3 read: load the projected row", row.ToString(), "", "", Target.AtMost(row.P99, 0.1, "p99", "ms")));

}
if (!httpOnly && !storeOnly)
{
    // Full rebuild of every inline projection of the real domain, over careers made by the real commands.
    var careerTeachers = quick ? 300 : 3_000;
    var fullRun = await FullRebuild.RunAsync(connectionString, $"{schema}_careers", careerTeachers, Repository(), quick ? 500 : 2_000);
    full = fullRun;
    var w4 = new Comparison($"full rebuild, all inline projections ({fullRun.Events:N0} events)", "events/s", fullRun.Ours, "raw binary COPY", "rows/s", fullRun.Raw);
    results.Add(w4);
    Console.WriteLine(w4);
    Console.WriteLine($"blue/green rebuild of the same: appends paused {fullRun.Paused.TotalMilliseconds:N0} ms at the switch");
    Console.WriteLine($"support reads, a teacher with 50 events: timeline {fullRun.Timeline} | state as of a date as known at a time {fullRun.State}");
    table.Add(Row.Of(w4, Target.AtLeast(fullRun.Ours, 50_000, "", "events/s")));
    var scaleTeachers = quick ? 2_000 : 20_000;
    var atScale = await FullRebuild.AtScaleAsync(connectionString, $"{schema}_rebuild", scaleTeachers, Repository());
    rebuildAtScale = atScale;
    var w4Scale = new Comparison($"full rebuild at scale ({atScale.Events:N0} events, {scaleTeachers:N0} careers in bulk; median of 3)", "events/s", atScale.Ours,
        "raw binary COPY", "rows/s", atScale.Raw);
    results.Add(w4Scale);
    Console.WriteLine(w4Scale);
    table.Add(Row.Of(w4Scale, Target.AtLeast(atScale.Ours, 50_000, "", "events/s")));
    // What the server alone needs to write the same tables as the rebuild does: its ceiling here, however cheap its projecting.
    var floor = new Comparison("full rebuild at scale", "events/s", atScale.Ours, "the same rows loaded back with nothing read or projected (the server's share alone)", "events/s", atScale.Floor);
    results.Add(floor);
    Console.WriteLine(floor);
    table.Add(new("… the server's share alone: the rebuilt rows loaded back per projection, nothing read or projected", $"{atScale.Floor:N0} events/s", "", $"{floor.Ratio:0.00} (ours / this)", ""));
    if (atScale is { ServerUsPerEvent: { } serverUs, FloorServerUsPerEvent: { } floorUs })
    {
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"  CPU per event: our rebuild PostgreSQL {serverUs:0.0} µs + this process {atScale.ClientUsPerEvent:0.0} µs; the floor PostgreSQL {floorUs:0.0} µs");
        table.Add(new($"… CPU per event in our rebuild: PostgreSQL {serverUs:0.0} µs, this process {atScale.ClientUsPerEvent:0.0} µs",
            $"at most {FullRebuild.AtScale.Ceiling(serverUs + atScale.ClientUsPerEvent):N0} events/s on {cores} cores; {FullRebuild.AtScale.Ceiling(serverUs):N0} were projecting free", "", "", ""));
        table.Add(new($"… CPU per event of the server's share alone: PostgreSQL {floorUs:0.0} µs",
            $"at most {FullRebuild.AtScale.Ceiling(floorUs):N0} events/s on {cores} cores, nothing read or projected", "", "", ""));
        if (atScale is { ReadServerUsPerEvent: { } readServerUs, ReadAndLoadUsPerEvent: { } readAndLoadUs })
        {
            Console.WriteLine($"  reading the log alone: PostgreSQL {readServerUs:0.0} µs + this process {atScale.ReadClientUsPerEvent:0.0} µs per event");
            table.Add(new($"… CPU per event to read the log ({readServerUs:0.0} µs PostgreSQL, {atScale.ReadClientUsPerEvent:0.0} µs this process) and load the rows ({floorUs:0.0} µs)",
                $"at most {FullRebuild.AtScale.Ceiling(readAndLoadUs):N0} events/s on {cores} cores, were projecting free", "", "", ""));
        }
    }
    table.Add(new("blue/green switch: appends paused", $"{fullRun.Paused.TotalMilliseconds:N0} ms", "", "", Target.AtMost(fullRun.Paused.TotalMilliseconds, 1_000, "", "ms")));
    table.Add(new("support: timeline of a teacher with 50 events", fullRun.Timeline.ToString(), "", "", Target.AtMost(fullRun.Timeline.P99, 10, "p99", "ms")));
    table.Add(new("support: state as of a date, as known at a time (replay)", fullRun.State.ToString(), "", "", Target.AtMost(fullRun.State.P99, 10, "p99", "ms")));
}

// Through HTTP: the API as its own process (Release build), commands and the lead providers' reads.
var warmUp = TimeSpan.FromSeconds(quick ? 1 : 5);
var duration = TimeSpan.FromSeconds(quick ? 5 : 30);
var processWarmUp = TimeSpan.FromSeconds(quick ? 5 : 30);
HttpCommandsResult? commands = null;
if (!storeOnly)
{
    Console.WriteLine($"commands through HTTP: {processWarmUp.TotalSeconds:0} s warm-up of the API process, then {warmUp.TotalSeconds:0} s warm-up and {duration.TotalSeconds:0} s timed per concurrency; cycle: register ECT, change email, register mentor, assign mentor");
    commands = await HttpCommands.RunAsync(connectionString, $"{schema}_http", Repository(), apiDll, [1, 8], processWarmUp, warmUp, duration);
    foreach (var run in commands.Runs)
    {
        var clients = $"{run.Clients} client{(run.Clients == 1 ? "" : "s")}";
        Console.WriteLine($"commands {clients}: {run.CommandsPerSecond:0} commands/s ({run.Commands:N0}, {run.Failed} failed), {run.Latency} | raw insert: {run.RawTransactionsPerSecond:0} tx/s | ratio {run.Ratio:0.00}");
        Console.WriteLine($"  by command: {string.Join(" | ", run.ByCommand.Select(c => $"{c.Key} {c.Value}"))}; CPU per command: API {run.ApiCpuMsPerCommand:0.00} ms, PostgreSQL {run.ServerCpuMsPerCommand:0.00} ms, clients {run.ClientCpuMsPerCommand:0.00} ms, whole machine {run.MachineCpuMsPerCommand:0.00} ms");
        table.Add(new($"HTTP commands, all inline projections, {clients} ({run.Latency})", $"{run.CommandsPerSecond:N0} commands/s",
            $"{run.RawTransactionsPerSecond:N0} tx/s (raw insert {run.Clients} connection{(run.Clients == 1 ? "" : "s")})", $"{run.Ratio:0.00}",
            run.Clients == 8 ? Target.AtLeast(run.CommandsPerSecond, 5_000, "", "commands/s") : ""));
        if (run.Clients == 8 && run.ServerCeiling is { } ceiling)
            table.Add(new($"… PostgreSQL's CPU per command at {clients}: {run.ServerCpuMsPerCommand:0.00} ms (the API's {run.ApiCpuMsPerCommand:0.00}, the clients' {run.ClientCpuMsPerCommand:0.00}, the machine's {run.MachineCpuMsPerCommand:0.00})",
                $"at most {ceiling:N0} commands/s on {Environment.ProcessorCount} cores, were the API and the clients free",
                run.RawServerCpuMsPerTransaction is { } rawMs ? $"{rawMs:0.000} ms per raw insert transaction" : "", "", ""));
    }
    Console.WriteLine($"API process memory: idle {commands.IdleRssMiB:N0} MiB RSS, peak {commands.PeakRssMiB:N0} MiB (VmHWM) under the commands load");
    table.Add(new("API process peak RSS under the commands load (VmHWM)", $"{commands.PeakRssMiB:N0} MiB (idle {commands.IdleRssMiB:N0} MiB)", "", "",
        commands.PeakRssMiB is { } peak ? Target.AtMost(peak, 400, "", "MiB") : "not measured (no /proc)"));
}

var reads = new List<ParticipantReadsResult>();
foreach (var teachers in teacherSizes)
{
    Console.WriteLine($"GET /api/v3/participants at {teachers:N0} teachers:");
    var result = await ParticipantReads.RunAsync(connectionString, $"{schema}_lp_{teachers}", Repository(), apiDll, teachers, quick ? 100 : 500, reuseSeeded);
    reads.Add(result);
    var size = result.Teachers == result.TeachersAsked ? $"{result.Teachers:N0} teachers" : $"{result.Teachers:N0} teachers (of {result.TeachersAsked:N0} asked)";
    Console.WriteLine($"  {size}; the busiest provider has {result.ProviderDocuments:N0} participants, {result.RecentDocuments:N0} updated since {result.Since}; API peak {result.PeakRssMiB:N0} MiB");
    foreach (var c in result.Cases)
    {
        Console.WriteLine($"  {c.Name}: {c.Latency}");
        // DESIGN §8: page of 100 with filter[updated_since] at 1M teachers, p99 ≤ 20 ms.
        var target = c.UpdatedSince && result.Teachers >= 1_000_000 ? Target.AtMost(c.Latency.P99, 20, "p99", "ms") : c.UpdatedSince ? "p99 ≤ 20 ms at 1M teachers" : "";
        table.Add(new($"GET participants, {size}, {result.ProviderDocuments:N0} of one provider: {c.Name}", c.Latency.ToString(), "", "", target));
    }
}

Console.WriteLine();
Console.WriteLine($"machine: {machine}");
Console.WriteLine();
Console.WriteLine("| workload | ours | raw PostgreSQL | ratio | target (DESIGN §8) |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var line in table) Console.WriteLine($"| {line.Workload} | {line.Ours} | {line.Raw} | {line.Ratio} | {line.Target} |");

Directory.CreateDirectory("BenchmarkResults");
var file = Path.Combine("BenchmarkResults", $"bench-{DateTime.UtcNow:yyyyMMddTHHmmss}.json");
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
{
    machine, quick, streams, runs, results,
    w3 = fold is null ? null : new { fold, row },
    blue_green_paused_ms = full?.Paused.TotalMilliseconds,
    rebuild_at_scale = rebuildAtScale,
    support = full is { } f ? new { timeline = f.Timeline, state = f.State } : null,
    http_commands = commands is null ? null : new
    {
        mix = "register ECT (provider-led), change its email, register a mentor, assign the mentor; one school and token per client",
        process_warm_up_s = processWarmUp.TotalSeconds, warm_up_s = warmUp.TotalSeconds, timed_s = duration.TotalSeconds,
        runs = commands.Runs, api_idle_rss_mib = commands.IdleRssMiB, api_peak_rss_mib = commands.PeakRssMiB,
    },
    participants = reads,
    table,
    seconds = started.Elapsed.TotalSeconds,
}, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine();
Console.WriteLine($"written: {Path.GetFullPath(file)} ({started.Elapsed.TotalSeconds:N0} s)");
return 0;

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static string Repository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "RegisterEcts.sln"))) return dir.FullName;
    throw new InvalidOperationException("Run from inside the repository.");
}

public sealed record Comparison(string Ours, string OursUnit, double OursValue, string Raw, string RawUnit, double RawValue)
{
    public double Ratio => OursValue / RawValue;

    public override string ToString() => $"{Ours}: {OursValue:0} {OursUnit} | {Raw}: {RawValue:0} {RawUnit} | ratio {Ratio:0.00}";
}

/// <summary>One line of the Markdown table, as printed (and kept in the JSON).</summary>
public sealed record Row(string Workload, string Ours, string Raw, string Ratio, string Target)
{
    public static Row Of(Comparison c, string target) =>
        new(c.Ours, $"{c.OursValue:N0} {c.OursUnit}", $"{c.RawValue:N0} {c.RawUnit} ({c.Raw})", $"{c.Ratio:0.00}", target);
}

/// <summary>DESIGN §8's targets, said with the verdict of this run.</summary>
internal static class Target
{
    public static string Ratio(double ratio, double atLeast) =>
        $"≥ {atLeast:0.00} of raw: {(ratio >= atLeast ? "met" : "**not met**")}";

    public static string AtLeast(double value, double atLeast, string what, string unit) =>
        $"{what}{(what.Length > 0 ? " " : "")}≥ {atLeast:N0} {unit}: {(value >= atLeast ? "met" : "**not met**")}";

    public static string AtMost(double value, double atMost, string what, string unit) =>
        $"{what}{(what.Length > 0 ? " " : "")}≤ {atMost.ToString("0.###", CultureInfo.InvariantCulture)} {unit}: {(value <= atMost ? "met" : "**not met**")}";
}

internal static class Machine
{
    public static async Task<string> DescribeAsync(PostgresEventStore store)
    {
        await using var cmd = store.DataSource.CreateCommand("SELECT current_setting('server_version')");
        var pg = await cmd.ExecuteScalarAsync();
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown cpu"}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, PostgreSQL {pg}, .NET {Environment.Version}";
    }
}
