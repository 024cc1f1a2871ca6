using NpgsqlTypes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

/// <summary>
/// A projection may fold rows in memory across the pages of a rebuild and write them when the rebuild completes
/// (<see cref="IProjection.CompleteRebuildAsync"/>). The table must come out as the inline appends built it, offline
/// and blue/green, also when appends arrive during a blue/green rebuild and meet rows already written.
/// </summary>
public class when_a_rebuild_folds_rows_in_memory : StoreFixture
{
    private readonly FoldingProjection _projection = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_folded_status",
            "CREATE TABLE folded_status (teacher_id uuid PRIMARY KEY, status text NOT NULL, version bigint NOT NULL, versions bigint[] NOT NULL)"));
        options.InlineProjections.Add(_projection);
    }

    [Fact]
    public async Task an_offline_rebuild_writes_the_same_rows_the_appends_did()
    {
        await AppendCareers(30);
        var inline = await Snapshot();

        // Pages of 7 split teachers' events across pages: their rows live in memory until the rebuild completes.
        (await new ProjectionRebuilder(Store, batchSize: 7).RebuildAsync(_projection)).ShouldBe(90);

        (await Snapshot()).ShouldBe(inline);
        _projection.Completed.ShouldBe(1);
    }

    [Fact]
    public async Task a_blue_green_rebuild_with_appends_meanwhile_equals_a_full_replay()
    {
        var ids = await AppendCareers(200);
        var (_, appended) = await TeacherStatusCareers.WhileResumingAsync(Store, ids,
            () => new BlueGreenRebuilder(Store, batchSize: 40) { SwitchBelow = 20 }.RebuildAsync([_projection]));
        appended.ShouldBeGreaterThan(0);

        var switched = await Snapshot();
        await new ProjectionRebuilder(Store).RebuildAsync(_projection);
        (await Snapshot()).ShouldBe(switched);
        // Every version of every stream applied once, in order: nothing lost or doubled between memory and table.
        switched.ShouldAllBe(r => r.Split('|')[3] == string.Join(',', Enumerable.Range(1, int.Parse(r.Split('|')[2]))));
    }

    private Task<List<Guid>> AppendCareers(int count) => TeacherStatusCareers.AppendAsync(Store, count);

    private async Task<List<string>> Snapshot()
    {
        var rows = new List<string>();
        await using var cmd = Store.DataSource.CreateCommand("SELECT teacher_id, status, version, versions FROM folded_status ORDER BY teacher_id");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add($"{reader.GetGuid(0)}|{reader.GetString(1)}|{reader.GetInt64(2)}|{string.Join(',', reader.GetFieldValue<long[]>(3))}");
        return rows;
    }

    /// Inline: an upsert per event. Rebuild: rows folded in the session, copied when the rebuild completes.
    private sealed class FoldingProjection : IProjection
    {
        private sealed class Folded : Dictionary<Guid, (string Status, List<long> Versions)>;

        public int Completed { get; private set; }

        public string Name => "folded_status";

        public IReadOnlyList<string> Tables => ["folded_status"];

        private static string StatusOf(RecordedEvent e) => e.Data switch
        {
            TeacherRegistered => "registered",
            Deferred => "deferred",
            _ => "training",
        };

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            var folded = context.IsRebuild ? context.Session<Folded>() : null;
            foreach (var e in events)
            {
                if (folded is not null && e.Data is TeacherRegistered)
                {
                    folded[e.StreamId] = (StatusOf(e), [e.Version]);
                    continue;
                }
                if (folded is not null && folded.TryGetValue(e.StreamId, out var row))
                {
                    row.Versions.Add(e.Version);
                    folded[e.StreamId] = (StatusOf(e), row.Versions);
                    continue;
                }
                context.Enqueue(
                    """
                    INSERT INTO folded_status (teacher_id, status, version, versions) VALUES ($1, $2, $3, ARRAY[$3])
                    ON CONFLICT (teacher_id) DO UPDATE SET status = excluded.status, version = excluded.version, versions = folded_status.versions || excluded.version
                    """,
                    e.StreamId, StatusOf(e), e.Version);
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
        {
            Completed++;
            var folded = context.Session<Folded>();
            var copy = context.Copy("folded_status", ("teacher_id", NpgsqlDbType.Uuid), ("status", NpgsqlDbType.Text), ("version", NpgsqlDbType.Bigint),
                ("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint));
            foreach (var (id, row) in folded) copy.Add(id, row.Status, row.Versions[^1], row.Versions.ToArray());
            folded.Clear();
            return ValueTask.CompletedTask;
        }
    }
}
