using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Seeding;

namespace RegisterEcts.Benchmarks;

/// <summary>
/// Full rebuild: every inline projection of the real domain, in one pass, over careers seeded through the
/// real command path; beside binary COPY of as many rows into one table, in the same run.
/// </summary>
public static class FullRebuild
{
    public static async Task<(double Ours, double Raw, long Events, TimeSpan Paused, Percentiles Timeline, Percentiles State)> RunAsync(
        string connectionString, string schema, int teachers, string repository, int supportSamples)
    {
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        }
        await using var store = RegisterEctsStore.Create(connectionString, schema);
        await store.MigrateAsync();
        var context = new EventContext(Actor.System("benchmark"));
        await ReferenceStream.SeedAsync(store, ReferenceSeed.Parse(await File.ReadAllTextAsync(Path.Combine(repository, "samples", "reference", "reference-data.json"))), context);
        var extract = GiasExtract.Parse(await File.ReadAllTextAsync(Path.Combine(repository, "samples", "gias", "schools.csv")),
            await File.ReadAllTextAsync(Path.Combine(repository, "samples", "gias", "links.csv")));
        await GiasImport.RunAsync(store, extract, new DateOnly(2021, 6, 1), context);
        var seeded = Stopwatch.StartNew();
        var careers = await new CareerSeed(store, context).RunAsync(teachers, seed: 1);
        Console.WriteLine($"  seeded {careers.Teachers:N0} careers ({careers.Commands:N0} commands, {careers.Refused:N0} refused) in {seeded.Elapsed.TotalSeconds:N0} s");

        var projections = store.InlineProjections.Where(p => p.Tables.Count > 0).ToList();
        var rebuilder = new ProjectionRebuilder(store);
        await rebuilder.RebuildAsync(projections); // warm-up
        var watch = Stopwatch.StartNew();
        var events = await rebuilder.RebuildAsync(projections);
        var ours = events / watch.Elapsed.TotalSeconds;
        var blueGreen = await new BlueGreenRebuilder(store).RebuildAsync(projections);

        var raw = await RawCopyAsync(store, events);
        var (timeline, state) = await SupportReads.RunAsync(store, supportSamples);
        return (ours, raw, events, blueGreen.AppendsPaused, timeline, state);
    }

    /// <summary>
    /// The same rebuild over a larger data set: careers seeded in bulk (a test proves the bulk seed gives the command path's
    /// events). The 24,000 events of the careers above take about two seconds, much of it the process compiling the code
    /// it has just met; this is the rate once it has. Median of three rebuilds after a warm-up, against the median of three COPYs.
    /// </summary>
    public static async Task<AtScale> AtScaleAsync(string connectionString, string schema, int teachers, string repository)
    {
        await CareerData.DropAsync(connectionString, schema);
        await using var store = await CareerData.CreateAsync(connectionString, schema, repository, new DateOnly(2021, 6, 1));
        var seeded = Stopwatch.StartNew();
        var careers = await new CareerSeed(store, new EventContext(Actor.System("benchmark"))).BulkLoadAsync(teachers, seed: 1);
        Console.WriteLine($"  seeded {careers.Teachers:N0} careers in bulk ({careers.Events:N0} events) in {seeded.Elapsed.TotalSeconds:N0} s");
        await ParticipantReads.VacuumAnalyzeAsync(store, schema);

        var projections = store.InlineProjections.Where(p => p.Tables.Count > 0).ToList();
        var rebuilder = new ProjectionRebuilder(store);
        var events = await rebuilder.RebuildAsync(projections); // warm-up
        // Where the rebuilds' CPU goes, over the three timed ones: the server's processes, and this one (reading, projecting, encoding).
        var server = await ServerCpu.FindAsync(store.DataSource);
        var cpu = CpuWatch.Start(server);
        var ours = await Percentiles.MedianAsync(3, async () =>
        {
            var watch = Stopwatch.StartNew();
            return await rebuilder.RebuildAsync(projections) / watch.Elapsed.TotalSeconds;
        });
        var rebuilds = cpu.Elapsed();
        var dumps = await DumpAsync(store, projections);
        cpu = CpuWatch.Start(server);
        var floor = await Percentiles.MedianAsync(3, () => ServerFloorAsync(store, dumps, events));
        var floorServer = cpu.Elapsed().Server;
        // Reading the log, the other share every rebuild has whatever it projects: the server's and this process's CPU over three reads.
        cpu = CpuWatch.Start(server);
        for (var i = 0; i < 3; i++) await ReadAllAsync(store);
        var reads = cpu.Elapsed();
        var raw = await Percentiles.MedianAsync(3, () => RawCopyAsync(store, events));
        await CareerData.DropAsync(connectionString, schema);
        // Each CPU measure spans three runs of the same events.
        double? PerEvent(TimeSpan? used) => used?.TotalMicroseconds / (3.0 * events);
        return new(ours, raw, floor, events, PerEvent(rebuilds.Server), PerEvent(rebuilds.Process)!.Value, PerEvent(floorServer),
            PerEvent(reads.Server), PerEvent(reads.Process)!.Value);
    }

    /// <summary>Every event of the log read and decoded through the store, in pages as large as a rebuild's, and nothing done with them.</summary>
    private static async Task ReadAllAsync(PostgresEventStore store)
    {
        for (long after = 0; ;)
        {
            var page = await store.ReadAllAsync(after, 10_000);
            if (page.Count == 0) return;
            after = page[^1].Sequence;
        }
    }

    /// <summary>
    /// A full rebuild at scale, and what bounds it on this machine: CPU per event of the server and of this process during
    /// our rebuilds, and of the server alone loading the same rows (the floor). On n cores, CPU of t µs per event caps a
    /// rebuild at n × 1,000,000 / t events/s.
    /// </summary>
    public sealed record AtScale(
        double Ours, double Raw, double Floor, long Events, double? ServerUsPerEvent, double ClientUsPerEvent, double? FloorServerUsPerEvent,
        double? ReadServerUsPerEvent, double ReadClientUsPerEvent)
    {
        /// <summary>Reading the log plus loading the rows, per event: what any rebuild that writes these tables as ours does costs before it projects anything.</summary>
        public double? ReadAndLoadUsPerEvent => ReadServerUsPerEvent + ReadClientUsPerEvent + FloorServerUsPerEvent;

        public static double Ceiling(double microsecondsPerEvent) => ServerCpu.Ceiling(TimeSpan.FromMicroseconds(microsecondsPerEvent));
    }

    /// <summary>Every projection's tables as the rebuild left them, each table's rows in PostgreSQL's binary COPY format.</summary>
    private static async Task<List<List<(string Table, byte[] Rows)>>> DumpAsync(PostgresEventStore store, IReadOnlyList<IProjection> projections)
    {
        var dumps = new List<List<(string, byte[])>>();
        await using var conn = await store.DataSource.OpenConnectionAsync();
        foreach (var projection in projections)
        {
            var tables = new List<(string, byte[])>();
            foreach (var table in projection.Tables)
            {
                var rows = new MemoryStream();
                await using (var copy = await conn.BeginRawBinaryCopyAsync($"COPY {SchemaMigrator.QuoteIdent(table)} TO STDOUT (FORMAT BINARY)"))
                    await copy.CopyToAsync(rows);
                tables.Add((table, rows.ToArray()));
            }
            dumps.Add(tables);
        }
        return dumps;
    }

    /// <summary>
    /// The server's share of a rebuild alone, in events/s: the rows the rebuild wrote are loaded back the way it writes them
    /// (a connection and a transaction per projection, all at once: empty the tables, COPY, commit; their columns keep the
    /// statistics they had, so the rebuild analyses none of them either), with no event read and nothing projected. Every
    /// index stays in place while the rows go in; a rebuild's closing copies into empty tables build theirs after the rows, so
    /// for those tables the rebuild can do better than this. Otherwise, while a rebuild writes its tables this way, this rate
    /// is its ceiling on this machine, however little its projecting costs: it is what the tables' indexes and exclusion
    /// constraints cost, which raw COPY into one plain table does not show.
    /// </summary>
    private static async Task<double> ServerFloorAsync(PostgresEventStore store, List<List<(string Table, byte[] Rows)>> dumps, long events)
    {
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(dumps.Select(async dump =>
        {
            await using var conn = await store.DataSource.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var tables = string.Join(", ", dump.Select(t => SchemaMigrator.QuoteIdent(t.Table)));
            await using (var truncate = new NpgsqlCommand($"TRUNCATE {tables}", conn)) await truncate.ExecuteNonQueryAsync();
            foreach (var (table, rows) in dump)
            {
                await using var copy = await conn.BeginRawBinaryCopyAsync($"COPY {SchemaMigrator.QuoteIdent(table)} FROM STDIN (FORMAT BINARY)");
                await copy.WriteAsync(rows);
            }
            await tx.CommitAsync();
        }));
        return events / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Rows/s of one binary COPY of as many rows as events into a fresh table about as wide as a read table's row.</summary>
    private static async Task<double> RawCopyAsync(PostgresEventStore store, long rows)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand(
            "DROP TABLE IF EXISTS raw_copy; CREATE TABLE raw_copy (id uuid PRIMARY KEY, teacher_id uuid NOT NULL, document jsonb NOT NULL, updated_at timestamptz NOT NULL, started_on date NOT NULL)", conn))
            await create.ExecuteNonQueryAsync();
        var document = """{"full_name":"Jane Doe","teacher_reference_number":"1234567","ecf_enrolments":[{"cohort":"2025","training_status":"active"}]}""";
        var watch = Stopwatch.StartNew();
        await using (var importer = await conn.BeginBinaryImportAsync("COPY raw_copy (id, teacher_id, document, updated_at, started_on) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await importer.WriteAsync(document, NpgsqlDbType.Jsonb);
                await importer.WriteAsync(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(new DateOnly(2025, 9, 1), NpgsqlDbType.Date);
            }
            await importer.CompleteAsync();
        }
        return rows / watch.Elapsed.TotalSeconds;
    }
}
