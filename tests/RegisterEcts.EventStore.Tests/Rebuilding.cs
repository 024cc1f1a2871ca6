using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_a_projection_is_rebuilt_offline : TeacherStatusStore
{
    [Fact]
    public async Task the_rebuilt_table_equals_the_one_built_inline_and_progress_is_reported()
    {
        await AppendCareers(40);
        var before = await Snapshot();
        await using (var corrupt = Store.DataSource.CreateCommand("UPDATE teacher_status SET status = 'wrong'")) await corrupt.ExecuteNonQueryAsync();

        var reports = new List<RebuildProgress>();
        var replayed = await new ProjectionRebuilder(Store, batchSize: 25).RebuildAsync(Projection, new SyncProgress(reports.Add));

        replayed.ShouldBe(120);
        (await Snapshot()).ShouldBe(before);
        reports.Count.ShouldBeGreaterThan(4);
        reports[^1].Done.ShouldBe(120);
        reports.Select(r => r.Done).ShouldBeInOrder();
    }

    [Fact]
    public async Task appends_during_the_rebuild_wait_and_end_up_in_the_table()
    {
        var ids = await AppendCareers(200);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var appended = 0;
            for (var i = 0; !stop.IsCancellationRequested; i++, appended++)
            {
                var id = ids[i % ids.Count];
                await Store.AppendAsync(id, "teacher", ExpectedVersion.Any, [new Resumed(id, new DateOnly(2026, 3, 1))], Context);
            }
            return appended;
        });

        await Task.Delay(50);
        await new ProjectionRebuilder(Store, batchSize: 50).RebuildAsync(Projection);
        await Task.Delay(50);
        await stop.CancelAsync();
        (await writer).ShouldBeGreaterThan(0);

        // Whatever interleaving happened, the table must equal a replay of everything committed.
        var live = await Snapshot();
        await new ProjectionRebuilder(Store).RebuildAsync(Projection);
        (await Snapshot()).ShouldBe(live);
    }

    [Fact]
    public async Task a_projection_without_tables_is_refused()
    {
        await using var store = CreateStore(o => o.InlineProjections.Add(new FailingProjection(_ => false)));
        var error = await Should.ThrowAsync<InvalidOperationException>(() => new ProjectionRebuilder(store).RebuildAsync(store.InlineProjections[^1]));
        error.Message.ShouldContain("declares no tables");
    }

    [Fact]
    public async Task a_pool_of_one_connection_is_refused_up_front_saying_what_to_raise()
    {
        await AppendCareers(3);
        var before = await Snapshot();
        var options = new EventStoreOptions { ConnectionString = $"{TestDatabase.ConnectionString};Maximum Pool Size=1", Schema = Schema };
        Configure(options);
        await using var store = new PostgresEventStore(options);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => new ProjectionRebuilder(store).RebuildAsync(store.InlineProjections[0]));

        error.Message.ShouldContain("raise Maximum Pool Size");
        (await Snapshot()).ShouldBe(before);
    }

    [Fact]
    public async Task a_projection_that_reads_through_the_connection_is_stopped_and_the_table_is_left_as_it_was()
    {
        await AppendCareers(10);
        var before = await Snapshot();
        // Inline it may read in its transaction; in a rebuild the previous page's writes may still be running there.
        var readsBack = new ReadsBack(Projection);
        var application = $"{Schema}_reads_back";
        var options = new EventStoreOptions { ConnectionString = $"{TestDatabase.ConnectionString};Application Name={application}", Schema = Schema };
        Configure(options);
        options.InlineProjections.Add(readsBack);
        await using var store = new PostgresEventStore(options);

        // Pages of 5: the next page is being read ahead when the first one fails.
        var error = await Should.ThrowAsync<InvalidOperationException>(() => new ProjectionRebuilder(store, batchSize: 5).RebuildAsync(readsBack));

        error.Message.ShouldContain("read nothing through the connection");
        (await Snapshot()).ShouldBe(before);
        // Nothing of the failed rebuild stays inside a transaction, where it would hold back what the daemon may read.
        await using var open = Store.DataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL");
        open.Parameters.Add(new() { Value = application });
        ((long)(await open.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [Fact]
    public async Task an_append_holding_one_of_its_tables_while_it_waits_for_another_does_not_deadlock_a_rebuild_of_both()
    {
        await AppendCareers(10);
        var before = await Snapshot();
        await using (var create = Store.DataSource.CreateCommand("CREATE TABLE event_counts (events integer NOT NULL)")) await create.ExecuteNonQueryAsync();
        var options = new EventStoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = Schema };
        Configure(options);
        options.InlineProjections.Add(new CountsEvents());
        await using var store = new PostgresEventStore(options);

        // The append's transaction writes the second projection's table, then waits for the first one's, which one writer
        // of the rebuild holds while another writer waits for the append: a cycle that passes through the rebuilding process.
        await using var append = await store.DataSource.OpenConnectionAsync();
        await using var tx = await append.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand("INSERT INTO event_counts VALUES (0)", append, tx)) await insert.ExecuteNonQueryAsync();
        var rebuild = new ProjectionRebuilder(store).RebuildAsync(store.InlineProjections);
        await using (var locked = store.DataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'teacher_status'::regclass AND mode = 'AccessExclusiveLock' AND granted)"))
            while (!(bool)(await locked.ExecuteScalarAsync())!) await Task.Delay(10);
        await using (var update = new Npgsql.NpgsqlCommand("UPDATE teacher_status SET status = 'wrong'", append, tx)) await update.ExecuteNonQueryAsync();
        await tx.CommitAsync();

        (await rebuild.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(30);
        (await Snapshot()).ShouldBe(before);
    }

    private sealed class CountsEvents : IProjection
    {
        public string Name => "event_counts";

        public IReadOnlyList<string> Tables => ["event_counts"];

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            context.Enqueue("INSERT INTO event_counts VALUES ($1)", events.Count);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ReadsBack(IProjection inner) : IProjection
    {
        public string Name => "reads_back";

        public IReadOnlyList<string> Tables => inner.Tables;

        public async ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            await using var read = new Npgsql.NpgsqlCommand("SELECT count(*) FROM teacher_status", context.Connection);
            await read.ExecuteScalarAsync(ct);
            await inner.ApplyAsync(events, context, ct);
        }
    }

    private sealed class SyncProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
