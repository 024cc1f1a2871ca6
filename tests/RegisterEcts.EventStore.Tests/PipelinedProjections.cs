using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

/// <summary>Needs neither sequence nor recorded time, so its writes can travel with the events and the commit.</summary>
public sealed class VersionOnlyProjection : IProjection
{
    public const string Table = "CREATE TABLE IF NOT EXISTS teacher_versions (teacher_id uuid PRIMARY KEY, version bigint NOT NULL CHECK (version < 100), recorded_at timestamptz NOT NULL)";

    public string Name => "teacher_versions";

    public bool NeedsWrittenEvents => false;

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        foreach (var e in events)
            context.Enqueue(
                "INSERT INTO teacher_versions VALUES ($1, $2, now()) ON CONFLICT (teacher_id) DO UPDATE SET version = excluded.version, recorded_at = excluded.recorded_at",
                e.StreamId, e.Data is Deferred { Reason: "break the check" } ? 100L : e.Version);
        return ValueTask.CompletedTask;
    }
}

public class PipelinedFixture : StoreFixture
{
    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_teacher_versions", VersionOnlyProjection.Table));
        options.InlineProjections.Add(new VersionOnlyProjection());
    }
}

public class when_no_inline_projection_needs_server_assigned_positions(PipelinedFixture fixture) : IClassFixture<PipelinedFixture>
{
    private readonly PostgresEventStore _store = fixture.Store;

    // One event goes through es_append_one, two through es_append.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task events_and_projection_rows_commit_together_and_the_result_carries_the_real_positions(int events)
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        object[] appended = events == 1 ? [Training(id)] : [Training(id), new Deferred(id, "other", new DateOnly(2026, 1, 1))];
        var result = await _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), appended, Context);

        result.Events.Select(e => e.Version).ShouldBe(Enumerable.Range(2, events).Select(v => (long)v));
        result.Events.ShouldAllBe(e => e.Sequence > 0 && e.RecordedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
        var stored = await _store.ReadStreamAsync(id);
        stored.Events.Select(e => e.Sequence).TakeLast(events).ShouldBe(result.Events.Select(e => e.Sequence));
        (await Row(id)).ShouldBe((1L + events, stored.Events[^1].RecordedAt));
    }

    [Fact]
    public async Task a_conflict_writes_neither_events_nor_rows_and_draws_no_sequence_number()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);
        var before = await LastSequenceValue();

        var conflict = await Should.ThrowAsync<StreamConflictException>(
            () => _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [new Resumed(id, new DateOnly(2026, 2, 1))], Context));

        conflict.StreamId.ShouldBe(id);
        conflict.Expected.ShouldBe(ExpectedVersion.Exactly(1));
        conflict.ActualVersion.ShouldBe(2);
        (await LastSequenceValue()).ShouldBe(before);
        (await Row(id))!.Value.Version.ShouldBe(2);
    }

    [Fact]
    public async Task a_projection_write_the_database_refuses_takes_the_events_with_it()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        await Should.ThrowAsync<Npgsql.PostgresException>(
            () => _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [new Deferred(id, "break the check", new DateOnly(2026, 1, 1))], Context));

        (await _store.ReadStreamAsync(id)).Version.ShouldBe(1);
        (await Row(id))!.Value.Version.ShouldBe(1);
        // The connection went back to the pool clean: the next append on it works.
        await _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [Training(id)], Context);
    }

    [Fact]
    public async Task an_append_at_any_version_still_projects_after_the_events_are_written()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.Any, [Registered(id)], Context);
        await _store.AppendAsync(id, "teacher", ExpectedVersion.Any, [Training(id)], Context);

        (await Row(id))!.Value.Version.ShouldBe(2);
    }

    private async Task<(long Version, DateTimeOffset RecordedAt)?> Row(Guid id)
    {
        await using var cmd = _store.DataSource.CreateCommand("SELECT version, recorded_at FROM teacher_versions WHERE teacher_id = $1");
        cmd.Parameters.Add(new() { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }

    private async Task<long> LastSequenceValue()
    {
        await using var cmd = _store.DataSource.CreateCommand("SELECT last_value FROM es_events_seq");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
