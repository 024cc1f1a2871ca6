using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;

namespace RegisterEcts.EventStore.Tests;

/// <summary>
/// The copy that completes a rebuild fills an empty table: its indexes and constraints are dropped before it and made again
/// after it, which costs the server less than adding every row to them. They must come back exactly, and still judge every row.
/// </summary>
public class when_a_rebuild_completes_by_copying_into_an_empty_table : StoreFixture
{
    private readonly DayPerEvent _projection = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_event_days",
            """
            CREATE TABLE event_days (
                stream_id uuid NOT NULL,
                version bigint NOT NULL,
                days daterange NOT NULL,
                kind text NOT NULL,
                PRIMARY KEY (stream_id, version),
                EXCLUDE USING gist (days WITH &&)
            );
            CREATE INDEX event_days_registrations ON event_days (stream_id) WHERE kind = 'TeacherRegistered';
            CREATE UNIQUE INDEX event_days_kind_days ON event_days (kind, days);
            """));
        options.InlineProjections.Add(_projection);
    }

    [Fact]
    public async Task the_rows_indexes_and_constraints_come_back_as_the_appends_left_them()
    {
        await TeacherStatusCareers.AppendAsync(Store, 20);
        var (rows, indexes, oids) = (await Rows(), await Indexes(), await IndexOids());
        indexes.Count.ShouldBe(4);

        (await new ProjectionRebuilder(Store, batchSize: 7).RebuildAsync(_projection)).ShouldBe(60);

        (await Rows()).ShouldBe(rows);
        (await Indexes()).ShouldBe(indexes);
        // Made again, not kept: none of the indexes is the one the appends wrote to.
        (await IndexOids()).Intersect(oids).ShouldBeEmpty();
    }

    [Fact]
    public async Task an_overlap_in_the_copied_rows_fails_the_rebuild_and_leaves_the_table_as_it_was()
    {
        await TeacherStatusCareers.AppendAsync(Store, 5);
        var (rows, indexes) = (await Rows(), await Indexes());

        _projection.CopyAnOverlap = true;
        var error = await Should.ThrowAsync<PostgresException>(() => new ProjectionRebuilder(Store).RebuildAsync(_projection));

        error.SqlState.ShouldBe(PostgresErrorCodes.ExclusionViolation);
        (await Rows()).ShouldBe(rows);
        (await Indexes()).ShouldBe(indexes);
    }

    [Fact]
    public async Task a_table_holding_rows_already_keeps_its_indexes_while_the_copy_runs()
    {
        await TeacherStatusCareers.AppendAsync(Store, 5);
        var (rows, oids) = (await Rows(), await IndexOids());

        // Each teacher's first event goes in by SQL during the pages; the copy at the end then adds to a table that has rows.
        _projection.RegistrationsBySql = true;
        await new ProjectionRebuilder(Store, batchSize: 4).RebuildAsync(_projection);

        (await Rows()).ShouldBe(rows);
        (await IndexOids()).ShouldBe(oids);
    }

    private async Task<List<string>> Rows()
    {
        var rows = new List<string>();
        await using var cmd = Store.DataSource.CreateCommand("SELECT stream_id, version, days::text, kind FROM event_days ORDER BY stream_id, version");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add($"{reader.GetGuid(0)}|{reader.GetInt64(1)}|{reader.GetString(2)}|{reader.GetString(3)}");
        return rows;
    }

    private async Task<List<uint>> IndexOids()
    {
        var oids = new List<uint>();
        await using var cmd = Store.DataSource.CreateCommand("SELECT indexrelid FROM pg_index WHERE indrelid = 'event_days'::regclass ORDER BY indexrelid::regclass::text");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) oids.Add(reader.GetFieldValue<uint>(0));
        return oids;
    }

    private async Task<List<string>> Indexes()
    {
        var indexes = new List<string>();
        await using var cmd = Store.DataSource.CreateCommand(
            """
            SELECT indexdef || coalesce(' / ' || (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conindid = (quote_ident(indexname))::regclass), '')
            FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'event_days' ORDER BY indexname
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) indexes.Add(reader.GetString(0));
        return indexes;
    }

    /// One row per event, its day the event's sequence number after 2026-01-01. Rebuild: folded, copied when it completes.
    private sealed class DayPerEvent : IProjection
    {
        private sealed class Folded : List<(Guid Stream, long Version, long Sequence, string Kind)>;

        public bool CopyAnOverlap { get; set; }
        public bool RegistrationsBySql { get; set; }

        public string Name => "event_days";

        public IReadOnlyList<string> Tables => ["event_days"];

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            foreach (var e in events)
            {
                var kind = e.Data.GetType().Name;
                if (context.IsRebuild && !(RegistrationsBySql && kind == "TeacherRegistered"))
                    context.Session<Folded>().Add((e.StreamId, e.Version, e.Sequence, kind));
                else
                    context.Enqueue("INSERT INTO event_days VALUES ($1, $2, daterange('2026-01-01'::date + $3::int, '2026-01-01'::date + $3::int + 1), $4)",
                        e.StreamId, e.Version, (int)e.Sequence, kind);
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
        {
            var folded = context.Session<Folded>();
            var rows = folded.Select(r => new object?[] { r.Stream, r.Version, Day(r.Sequence), r.Kind }).ToList();
            if (CopyAnOverlap) rows.Add([folded[0].Stream, 99L, Day(folded[0].Sequence), "Overlap"]);
            context.Copy("event_days", ("stream_id", NpgsqlDbType.Uuid), ("version", NpgsqlDbType.Bigint), ("days", NpgsqlDbType.DateRange), ("kind", NpgsqlDbType.Text))
                .AddAll(rows);
            folded.Clear();
            return ValueTask.CompletedTask;
        }

        private static NpgsqlRange<DateOnly> Day(long sequence)
        {
            var day = new DateOnly(2026, 1, 1).AddDays((int)sequence);
            return new(day, true, day.AddDays(1), false);
        }
    }
}
