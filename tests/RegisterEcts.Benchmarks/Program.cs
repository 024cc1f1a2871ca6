using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using RegisterEcts.Benchmarks;
using RegisterEcts.EventStore;

// Figures, not pass/fail: every workload runs beside a raw PostgreSQL baseline on the same server, in
// the same run, so the ratios mean something on any machine.
var quick = args.Contains("--quick");
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__RegisterEcts")
    ?? throw new InvalidOperationException("ConnectionStrings__RegisterEcts is not set; run build/bench.sh.");
var streams = quick ? 1_000 : 10_000;
var runs = 3;

const string schema = "bench";
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
Console.WriteLine($"W1: {streams:N0} streams x 10 events, 1 event per transaction, one inline projection; median of {runs} runs");
Console.WriteLine();

var results = new List<Comparison>();
foreach (var writers in new[] { 1, 8 })
{
    var ours = await Median(runs, () => W1Append.RunAsync(store, streams, writers));
    var raw = await Median(runs, () => W1Append.RunRawAsync(store, streams, writers));
    var comparison = new Comparison($"append {writers} writer{(writers == 1 ? "" : "s")}", "events/s", ours, $"raw insert {writers} writer{(writers == 1 ? "" : "s")}", "tx/s", raw);
    results.Add(comparison);
    Console.WriteLine(comparison);
}

// W2 and W3 run on the W1 data set, appended once more by 8 writers (the raw runs emptied it).
await W1Append.RunAsync(store, streams, 8);
var (rebuild, copy) = await W2W3.RebuildAsync(store, options.InlineProjections[0]);
var w2 = new Comparison("W2 rebuild (warm)", "events/s", rebuild, "raw binary COPY", "rows/s", copy);
results.Add(w2);
Console.WriteLine(w2);
var (fold, row) = await W2W3.ReadAsync(store, quick ? 2_000 : 10_000);
Console.WriteLine($"W3 read: fold a 10-event stream {fold} | load its projected row {row}");

// Full rebuild of every inline projection of the real domain, over careers made by the real commands.
var careerTeachers = quick ? 300 : 3_000;
var full = await FullRebuild.RunAsync(connectionString, careerTeachers, Repository(), quick ? 500 : 2_000);
var w4 = new Comparison($"full rebuild, all inline projections ({full.Events:N0} events)", "events/s", full.Ours, "raw binary COPY", "rows/s", full.Raw);
results.Add(w4);
Console.WriteLine(w4);
Console.WriteLine($"blue/green rebuild of the same: appends paused {full.Paused.TotalMilliseconds:N0} ms at the switch");
Console.WriteLine($"support reads, a teacher with 50 events: timeline {full.Timeline} | state as of a date as known at a time {full.State}");

Console.WriteLine();
Console.WriteLine("| workload | ours | raw PostgreSQL | ratio |");
Console.WriteLine("|---|---|---|---|");
foreach (var c in results)
    Console.WriteLine($"| {c.Ours} | {c.OursValue:N0} {c.OursUnit} | {c.RawValue:N0} {c.RawUnit} ({c.Raw}) | {c.Ratio:0.00} |");
Console.WriteLine($"| W3 read: fold a 10-event stream | {fold} | | |");
Console.WriteLine($"| W3 read: load the projected row | {row} | | |");
Console.WriteLine($"| blue/green switch: appends paused | {full.Paused.TotalMilliseconds:N0} ms | | |");
Console.WriteLine($"| support: timeline of a teacher with 50 events | {full.Timeline} | | |");
Console.WriteLine($"| support: state as of a date, as known at a time (replay) | {full.State} | | |");

Directory.CreateDirectory("BenchmarkResults");
var file = Path.Combine("BenchmarkResults", $"bench-{DateTime.UtcNow:yyyyMMddTHHmmss}.json");
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { machine, quick, streams, runs, results, w3 = new { fold, row }, blue_green_paused_ms = full.Paused.TotalMilliseconds, support = new { timeline = full.Timeline, state = full.State } }, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine();
Console.WriteLine($"written: {Path.GetFullPath(file)}");
return 0;

static string Repository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "RegisterEcts.sln"))) return dir.FullName;
    throw new InvalidOperationException("Run from inside the repository.");
}

static async Task<double> Median(int runs, Func<Task<double>> run)
{
    var values = new List<double>();
    for (var i = 0; i < runs; i++) values.Add(await run());
    values.Sort();
    return values[values.Count / 2];
}

public sealed record Comparison(string Ours, string OursUnit, double OursValue, string Raw, string RawUnit, double RawValue)
{
    public double Ratio => OursValue / RawValue;

    public override string ToString() => $"{Ours}: {OursValue:0} {OursUnit} | {Raw}: {RawValue:0} {RawUnit} | ratio {Ratio:0.00}";
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
