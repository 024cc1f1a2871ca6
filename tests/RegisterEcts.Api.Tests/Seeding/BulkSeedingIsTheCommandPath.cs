using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Seeding;
using RegisterEcts.Statements;
using RegisterEcts.Testing;

namespace RegisterEcts.Api.Tests.Seeding;

/// <summary>
/// The bulk seed (decisions on states in memory, COPY, rebuild) is only trustworthy if it gives what the command
/// path gives. Two schemas start from the same events (reference data, statements, schools); one seeds careers
/// command by command through the store, the other in bulk, with the same seed. Events and read tables must be
/// the same, apart from what differs between any two runs: event ids, sequence numbers, recording times, the
/// correlation ids, and the hashes and times derived from them.
/// </summary>
public sealed partial class bulk_seeding_is_the_command_path : IAsyncLifetime
{
    private const int Teachers = 150;
    private const int Seed = 7;
    private readonly string _commands = TestDatabase.NewSchemaName("seed_commands");
    private readonly string _bulk = TestDatabase.NewSchemaName("seed_bulk");
    private PostgresEventStore _commandStore = null!;
    private PostgresEventStore _bulkStore = null!;

    public async Task InitializeAsync()
    {
        _commandStore = RegisterEctsStore.Create(TestDatabase.ConnectionString, _commands);
        _bulkStore = RegisterEctsStore.Create(TestDatabase.ConnectionString, _bulk);
        await _commandStore.MigrateAsync();
        await _bulkStore.MigrateAsync();
        var context = new EventContext(Actor.System("tests"));
        var root = TestDatabase.RepositoryRoot();
        var reference = ReferenceSeed.Parse(await File.ReadAllTextAsync(Path.Combine(root, "samples", "reference", "reference-data.json")));
        await ReferenceStream.SeedAsync(_commandStore, reference, context);
        var (data, _) = await ReferenceStream.LoadAsync(_commandStore);
        await StatementStreams.OpenAsync(_commandStore, StatementSeed.Parse(await File.ReadAllTextAsync(StatementSeed.DefaultPath(root)), data), context);
        await GiasImport.RunAsync(_commandStore, GiasExtract.Parse(
            await File.ReadAllTextAsync(Path.Combine(root, "samples", "gias", "schools.csv")),
            await File.ReadAllTextAsync(Path.Combine(root, "samples", "gias", "links.csv"))), new DateOnly(2021, 6, 1), context);

        // The same starting events (school ids are minted at import, so import once and copy the log), then the read tables from them.
        await using (var conn = await _bulkStore.DataSource.OpenConnectionAsync())
        await using (var copy = new NpgsqlCommand($"""
            INSERT INTO es_streams SELECT * FROM "{_commands}".es_streams;
            INSERT INTO es_events SELECT * FROM "{_commands}".es_events;
            INSERT INTO es_personal_keys SELECT * FROM "{_commands}".es_personal_keys;
            SELECT setval('es_events_seq', (SELECT max(seq) FROM es_events));
            """, conn))
            await copy.ExecuteNonQueryAsync();
        await new ProjectionRebuilder(_bulkStore).RebuildAsync([.. _bulkStore.InlineProjections.Where(p => p.Tables.Count > 0)]);
    }

    public async Task DisposeAsync()
    {
        await _commandStore.DisposeAsync();
        await _bulkStore.DisposeAsync();
        await TestDatabase.DropSchemaAsync(_commands);
        await TestDatabase.DropSchemaAsync(_bulk);
    }

    [Fact]
    public async Task the_bulk_seed_writes_the_same_events_in_the_same_order_and_builds_the_same_read_tables()
    {
        var context = new EventContext(Actor.System("rects seed careers"));
        var byCommands = await new CareerSeed(_commandStore, context).RunAsync(Teachers, Seed);
        var inBulk = await new CareerSeed(_bulkStore, context).BulkLoadAsync(Teachers, Seed, flushEvery: 40);

        // Not a vacuous comparison: the careers did happen, with most commands accepted.
        byCommands.Commands.ShouldBeGreaterThan(Teachers * 3);
        byCommands.Refused.ShouldBeLessThan(byCommands.Commands / 10);
        inBulk.Commands.ShouldBe(byCommands.Commands);
        inBulk.Refused.ShouldBe(byCommands.Refused);

        var commandEvents = await EventsAsync(_commandStore);
        var bulkEvents = await EventsAsync(_bulkStore);
        commandEvents.Count.ShouldBeGreaterThan(Teachers * 5);
        commandEvents.Select(e => e.Split('|')[3]).Distinct().Count().ShouldBeGreaterThan(25, "the careers cover most kinds of event");
        Differences(bulkEvents, commandEvents).ShouldBeEmpty();

        var commandTables = await TablesAsync(_commandStore);
        var bulkTables = await TablesAsync(_bulkStore);
        commandTables["lead_provider_participants"].Count.ShouldBeGreaterThan(Teachers / 2);
        commandTables["declarations"].Count.ShouldBeGreaterThan(Teachers / 4);
        bulkTables.Keys.ShouldBe(commandTables.Keys);
        foreach (var (table, rows) in commandTables)
            Differences(bulkTables[table], rows).ShouldBeEmpty(table);

        // The careers' rows (deferrals, withdrawals, resumptions, mentors, inductions…) come back exactly, every column,
        // from an offline rebuild whose pages cut careers in two: what a rebuild folds in memory equals what appends wrote.
        var appended = await TablesAsync(_commandStore, everyColumn: true);
        await new ProjectionRebuilder(_commandStore, batchSize: 97).RebuildAsync([.. _commandStore.InlineProjections.Where(p => p.Tables.Count > 0)]);
        var rebuilt = await TablesAsync(_commandStore, everyColumn: true);
        foreach (var (table, rows) in appended)
            Differences(rebuilt[table], rows).ShouldBeEmpty(table);
    }

    /// Every event in log order as "stream|version|type|body as read|actor", the body with personal fields opened.
    private static async Task<List<string>> EventsAsync(PostgresEventStore store)
    {
        var events = new List<string>();
        for (long after = 0; ;)
        {
            var page = await store.ReadAllAsync(after, 1_000);
            if (page.Count == 0) return events;
            events.AddRange(page.Select(e =>
                $"{e.StreamId}|{e.Version}|{e.StreamType}|{e.TypeName}|{JsonSerializer.Serialize(e.Data, e.Data.GetType(), EventTypeRegistry.JsonOptions)}|{e.Metadata.Actor}|{e.Metadata.Reason}"));
            after = page[^1].Sequence;
        }
    }

    /// Every row of every inline projection's tables, without the columns that hold recording times, sequence
    /// numbers or hashes of documents that contain recording times; recording times inside documents are masked.
    /// With everyColumn, all of it as stored.
    private static async Task<SortedDictionary<string, List<string>>> TablesAsync(PostgresEventStore store, bool everyColumn = false)
    {
        var tables = new SortedDictionary<string, List<string>>();
        await using var conn = await store.DataSource.OpenConnectionAsync();
        foreach (var table in store.InlineProjections.SelectMany(p => p.Tables).Distinct())
        {
            var columns = new List<string>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $1
                  AND ($2 OR NOT (data_type = 'timestamp with time zone' AND column_name <> 'declaration_date')
                       AND column_name NOT IN ('hash', 'sequence', 'last_seq', 'seq'))
                ORDER BY ordinal_position
                """, conn) { Parameters = { new() { Value = table }, new() { Value = everyColumn } } })
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) columns.Add($"\"{reader.GetString(0)}\"");
            var rows = new List<string>();
            await using (var cmd = new NpgsqlCommand($"SELECT ({string.Join(", ", columns)})::text FROM \"{table}\"", conn))
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) rows.Add(everyColumn ? reader.GetString(0) : RecordedTime().Replace(reader.GetString(0), "<recorded>"));
            rows.Sort(StringComparer.Ordinal);
            tables[table] = rows;
        }
        return tables;
    }

    /// What only one side has, a few of each, so a failure says where to look.
    private static List<string> Differences(List<string> actual, List<string> expected)
    {
        var missing = expected.Except(actual).Take(3).Select(r => $"only by commands: {r}");
        var extra = actual.Except(expected).Take(3).Select(r => $"only in bulk: {r}");
        var differences = missing.Concat(extra).ToList();
        if (differences.Count == 0 && !actual.SequenceEqual(expected)) differences.Add("same rows, different order or multiplicity");
        return differences;
    }

    /// A database recording time (microseconds), as PostgreSQL or System.Text.Json prints it; business dates have none.
    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\.\d+(Z|[+-]\d{2}(:\d{2})?)?")]
    private static partial Regex RecordedTime();
}
