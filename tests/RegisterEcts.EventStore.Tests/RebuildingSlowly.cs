using Npgsql;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

/// <summary>At a million teachers a rebuild's statements run for minutes; the connection's command timeout is for appends.</summary>
public class when_a_rebuild_runs_longer_than_the_command_timeout : StoreFixture
{
    private readonly SlowProjection _projection = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_slow_rows", "CREATE TABLE slow_rows (teacher_id uuid PRIMARY KEY)"));
        options.InlineProjections.Add(_projection);
    }

    [Fact]
    public async Task its_statements_finish_and_it_succeeds()
    {
        var options = new EventStoreOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { CommandTimeout = 1 }.ConnectionString,
            Schema = Schema,
        };
        Configure(options);
        await using var store = new PostgresEventStore(options);
        var id = Guid.CreateVersion7();
        await store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        _projection.Sleep = true;
        (await new ProjectionRebuilder(store).RebuildAsync(_projection)).ShouldBe(1);

        await using var cmd = store.DataSource.CreateCommand("SELECT count(*) FROM slow_rows");
        (await cmd.ExecuteScalarAsync()).ShouldBe(1L);
    }

    /// One row per registration; in a rebuild each page's statements also wait longer than the connection's timeout.
    private sealed class SlowProjection : IProjection
    {
        public bool Sleep { get; set; }

        public string Name => "slow_rows";

        public IReadOnlyList<string> Tables => ["slow_rows"];

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            foreach (var e in events)
                if (e.Data is TeacherRegistered r)
                    context.Enqueue("INSERT INTO slow_rows (teacher_id) VALUES ($1)", r.TeacherId);
            if (context.IsRebuild && Sleep) context.Enqueue("SELECT pg_sleep(1.5)");
            return ValueTask.CompletedTask;
        }
    }
}
