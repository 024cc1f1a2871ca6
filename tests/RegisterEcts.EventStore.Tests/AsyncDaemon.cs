using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_the_daemon_runs_async_projections : StoreFixture
{
    private readonly SwitchableFailure _failure = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_teacher_status", TeacherStatusProjection.Table));
        options.AsyncProjections.Add(new TeacherStatusProjection());
        options.AsyncProjections.Add(_failure);
    }

    [Fact]
    public async Task it_applies_every_committed_event_in_stream_order_and_records_its_progress()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids)
            await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id), new Deferred(id, "other", new DateOnly(2026, 1, 1))], Context);
        var daemon = new ProjectionDaemon(Store, batchSize: 7);

        (await daemon.CatchUpAsync()).ShouldBe(60 * 2);

        foreach (var id in ids) (await Versions(id)).ShouldBe([1L, 2L, 3L]);
        var status = (await daemon.StatusAsync()).Single(s => s.Name == "teacher_status");
        status.State.ShouldBe("running");
        status.Lag.ShouldBe(0);
        status.LastSequence.ShouldBeGreaterThan(0);
        (await daemon.CatchUpAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task an_error_pauses_only_that_projection_visibly_and_nothing_is_skipped()
    {
        var daemon = new ProjectionDaemon(Store);
        var id = Guid.CreateVersion7();
        _failure.Failing = true;
        // One transaction, so both events become readable together and land in one batch.
        var batchStart = (await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context)).Events[0].Sequence;

        await daemon.CatchUpAsync();

        var paused = (await daemon.StatusAsync()).Single(s => s.Name == _failure.Name);
        paused.State.ShouldBe("paused");
        paused.Error!.ShouldContain("switched on");
        paused.ErrorSequence.ShouldBe(batchStart);
        paused.Lag.ShouldBe(2);
        (await daemon.StatusAsync()).Single(s => s.Name == "teacher_status").State.ShouldBe("running");

        _failure.Failing = false;
        await daemon.ResumeAsync(_failure.Name);
        await daemon.CatchUpAsync();

        _failure.Applied.ShouldBe([1L, 2L]);
        (await daemon.StatusAsync()).Single(s => s.Name == _failure.Name).Lag.ShouldBe(0);
    }

    [Fact]
    public async Task an_error_is_recorded_as_a_pause_even_when_the_failed_batch_holds_the_pools_only_connection()
    {
        // A pool of one, waited on for two seconds at most: the pause must not need a second connection.
        var options = new EventStoreOptions { ConnectionString = $"{TestDatabase.ConnectionString};Maximum Pool Size=1;Timeout=2", Schema = Schema };
        Configure(options);
        await using var store = new PostgresEventStore(options);
        _failure.Failing = true;
        var id = Guid.CreateVersion7();
        await store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);
        var daemon = new ProjectionDaemon(store);

        await daemon.CatchUpAsync();

        var paused = (await daemon.StatusAsync()).Single(s => s.Name == _failure.Name);
        paused.State.ShouldBe("paused");
        paused.Error!.ShouldContain("switched on");
        (await daemon.StatusAsync()).Single(s => s.Name == "teacher_status").Lag.ShouldBe(0);
    }

    [Fact]
    public async Task two_runners_of_one_projection_never_apply_an_event_twice()
    {
        var ids = Enumerable.Range(0, 30).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids)
            await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);

        await Task.WhenAll(new ProjectionDaemon(Store, 5).CatchUpAsync(), new ProjectionDaemon(Store, 5).CatchUpAsync());

        foreach (var id in ids) (await Versions(id)).ShouldBe([1L, 2L]);
    }

    [Fact]
    public async Task after_a_rebuild_the_daemon_carries_on_from_where_the_rebuild_stopped()
    {
        var id = Guid.CreateVersion7();
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);
        var daemon = new ProjectionDaemon(Store);
        await daemon.CatchUpAsync();

        await new ProjectionRebuilder(Store).RebuildAsync(Store.AsyncProjections.First(p => p.Name == "teacher_status"));
        await Store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(2), [new Deferred(id, "other", new DateOnly(2026, 1, 1))], Context);
        await daemon.CatchUpAsync();

        (await Versions(id)).ShouldBe([1L, 2L, 3L]);
    }

    private async Task<long[]?> Versions(Guid id)
    {
        await using var cmd = Store.DataSource.CreateCommand("SELECT versions FROM teacher_status WHERE teacher_id = $1");
        cmd.Parameters.Add(new() { Value = id });
        return (long[]?)await cmd.ExecuteScalarAsync();
    }

    /// <summary>Fails while switched on; remembers what it applied (only the first test stream matters).</summary>
    private sealed class SwitchableFailure : IProjection
    {
        public bool Failing { get; set; }

        public List<long> Applied { get; } = [];

        public string Name => "switchable";

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            if (Failing && events.Any(e => e.Data is TrainingStarted)) throw new InvalidOperationException("failure switched on");
            Applied.AddRange(events.Select(e => e.Version));
            return ValueTask.CompletedTask;
        }
    }
}
