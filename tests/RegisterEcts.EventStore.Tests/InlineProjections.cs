using Npgsql;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class InlineProjectionFixture : StoreFixture
{
    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_teacher_status", TeacherStatusProjection.Table));
        options.InlineProjections.Add(new TeacherStatusProjection());
        options.InlineProjections.Add(new FailingProjection(e => e.Data is Deferred { Reason: "explode" }));
    }
}

public class when_inline_projections_run_in_the_append_transaction(InlineProjectionFixture fixture) : IClassFixture<InlineProjectionFixture>
{
    private readonly PostgresEventStore _store = fixture.Store;

    [Fact]
    public async Task the_read_row_is_written_with_the_events_and_sees_their_sequence_and_version()
    {
        var id = Guid.CreateVersion7();
        var result = await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);

        var row = await Row(id);
        row.ShouldNotBeNull();
        row.Value.Status.ShouldBe("training");
        row.Value.Version.ShouldBe(2);
        row.Value.LastSeq.ShouldBe(result.Events[1].Sequence);
        row.Value.Versions.ShouldBe([1L, 2L]);
    }

    [Fact]
    public async Task a_projection_that_throws_rolls_the_events_back()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        await Should.ThrowAsync<InvalidOperationException>(
            () => _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [new Deferred(id, "explode", new DateOnly(2026, 1, 1))], Context));

        (await _store.ReadStreamAsync(id)).Version.ShouldBe(1);
        (await Row(id))!.Value.Versions.ShouldBe([1L]);
    }

    [Fact]
    public async Task a_projection_write_the_database_refuses_rolls_the_events_back()
    {
        var id = Guid.CreateVersion7();
        await using var store = fixture.CreateStore(o => o.InlineProjections.Add(new RefusedWrite()));

        await Should.ThrowAsync<PostgresException>(() => store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context));

        (await _store.ReadStreamAsync(id)).Exists.ShouldBeFalse();
        (await Row(id)).ShouldBeNull();
    }

    [Fact]
    public async Task projections_of_one_append_that_read_the_same_streams_see_the_same_events_the_appends_own_included()
    {
        var teacher = Guid.CreateVersion7();
        var other = Guid.CreateVersion7();
        await _store.AppendAsync(other, "teacher", ExpectedVersion.NoStream, [Registered(other)], Context);
        await _store.AppendAsync(teacher, "teacher", ExpectedVersion.NoStream, [Registered(teacher)], Context);
        // The first reads the teacher's stream; the second asks again for it and for one nobody has read in this append.
        var first = new StreamReading("first_reader", _ => []);
        var second = new StreamReading("second_reader", _ => [other]);
        await using var store = fixture.CreateStore(o => { o.InlineProjections.Add(first); o.InlineProjections.Add(second); });

        await store.AppendAsync(teacher, "teacher", ExpectedVersion.Exactly(1), [Training(teacher)], Context);

        first.Seen.ShouldBe([(teacher, 1L), (teacher, 2L)]);
        second.Seen.ShouldBe([(teacher, 1L), (teacher, 2L), (other, 1L)]);
    }

    private async Task<(string Status, long Version, long LastSeq, long[] Versions)?> Row(Guid id)
    {
        await using var cmd = _store.DataSource.CreateCommand("SELECT status, version, last_seq, versions FROM teacher_status WHERE teacher_id = $1");
        cmd.Parameters.Add(new() { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<long[]>(3));
    }

    /// <summary>Reads the streams of the events it is given, and those <c>also</c> names, in the append.</summary>
    private sealed class StreamReading(string name, Func<Guid, Guid[]> also) : Projections.IProjection
    {
        public string Name => name;

        public List<(Guid Stream, long Version)> Seen { get; } = [];

        public async ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, Projections.ProjectionContext context, CancellationToken ct)
        {
            var ids = events.Select(e => e.StreamId).Distinct().SelectMany(id => (Guid[])[id, .. also(id)]).ToList();
            Seen.AddRange((await context.ReadStreamsAsync(ids, ct)).Select(e => (e.StreamId, e.Version)));
        }
    }

    private sealed class RefusedWrite : Projections.IProjection
    {
        public string Name => "refused";

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, Projections.ProjectionContext context, CancellationToken ct)
        {
            context.Enqueue("INSERT INTO teacher_status (teacher_id, status, version, last_seq, versions) VALUES ($1, NULL, 0, 0, '{}')", events[0].StreamId);
            return ValueTask.CompletedTask;
        }
    }
}
