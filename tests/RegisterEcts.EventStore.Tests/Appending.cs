using Npgsql;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_appending_events(TestStoreFixture fixture) : IClassFixture<TestStoreFixture>
{
    private readonly PostgresEventStore _store = fixture.Store;

    [Fact]
    public async Task starting_a_stream_gives_versions_from_one_and_increasing_global_sequences()
    {
        var id = Guid.CreateVersion7();
        var result = await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);

        result.Events.Select(e => e.Version).ShouldBe([1L, 2L]);
        result.Events[1].Sequence.ShouldBeGreaterThan(result.Events[0].Sequence);
        result.VersionOf(id).ShouldBe(2);
        result.Events.ShouldAllBe(e => e.StreamId == id && e.StreamType == "teacher");
    }

    [Fact]
    public async Task starting_a_stream_that_exists_is_a_conflict_naming_the_stream_and_both_versions()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        var conflict = await Should.ThrowAsync<StreamConflictException>(
            () => _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context));

        conflict.StreamId.ShouldBe(id);
        conflict.Expected.ShouldBe(ExpectedVersion.NoStream);
        conflict.ActualVersion.ShouldBe(1);
    }

    [Fact]
    public async Task a_stale_expected_version_is_refused_before_any_sequence_number_is_drawn()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);
        var before = await LastSequenceValue();

        var conflict = await Should.ThrowAsync<StreamConflictException>(
            () => _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [new Resumed(id, new DateOnly(2026, 1, 5))], Context));

        conflict.ActualVersion.ShouldBe(2);
        (await LastSequenceValue()).ShouldBe(before);
        (await _store.ReadStreamAsync(id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task appending_at_the_current_version_or_with_any_continues_the_stream()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);
        await _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [Training(id)], Context);
        var last = await _store.AppendAsync(id, "teacher", ExpectedVersion.Any, [new Deferred(id, "parental_leave", new DateOnly(2026, 2, 1))], Context);

        last.Events.Single().Version.ShouldBe(3);
        (await _store.ReadStreamAsync(id)).Events.Select(e => e.Data.GetType()).ShouldBe([typeof(TeacherRegistered), typeof(TrainingStarted), typeof(Deferred)]);
    }

    [Fact]
    public async Task one_event_at_any_version_starts_a_stream_that_does_not_exist_and_then_continues_it()
    {
        var id = Guid.CreateVersion7();
        var first = await _store.AppendAsync(id, "teacher", ExpectedVersion.Any, [Registered(id)], Context);
        var second = await _store.AppendAsync(id, "teacher", ExpectedVersion.Any, [Training(id)], Context);

        first.Events.Single().Version.ShouldBe(1);
        second.Events.Single().Version.ShouldBe(2);
        second.Events.Single().Sequence.ShouldBeGreaterThan(first.Events.Single().Sequence);
        (await _store.ReadStreamAsync(id)).Events.Select(e => (e.Version, e.Sequence, e.RecordedAt))
            .ShouldBe(new[] { first.Events[0], second.Events[0] }.Select(e => (e.Version, e.Sequence, e.RecordedAt)));
    }

    [Fact]
    public async Task an_append_to_several_streams_writes_all_of_them_or_none()
    {
        var mentor = Guid.CreateVersion7();
        var mentee = Guid.CreateVersion7();
        await _store.AppendAsync(mentor, "teacher", ExpectedVersion.NoStream, [Registered(mentor)], Context);
        await _store.AppendAsync(mentee, "teacher", ExpectedVersion.NoStream, [Registered(mentee)], Context);
        var assigned = new MentorAssigned(mentee, mentor, new DateOnly(2025, 10, 1));

        await Should.ThrowAsync<StreamConflictException>(() => _store.AppendAsync(
            [new StreamAppend(mentee, "teacher", ExpectedVersion.Exactly(1), [assigned]), new StreamAppend(mentor, "teacher", ExpectedVersion.Exactly(5), [assigned])], Context));
        (await _store.ReadStreamAsync(mentee)).Version.ShouldBe(1);
        (await _store.ReadStreamAsync(mentor)).Version.ShouldBe(1);

        var both = await _store.AppendAsync(
            [new StreamAppend(mentee, "teacher", ExpectedVersion.Exactly(1), [assigned]), new StreamAppend(mentor, "teacher", ExpectedVersion.Exactly(1), [assigned])], Context);
        both.VersionOf(mentee).ShouldBe(2);
        both.VersionOf(mentor).ShouldBe(2);
    }

    [Fact]
    public async Task of_many_concurrent_writers_at_the_same_version_exactly_one_wins()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [new Resumed(id, new DateOnly(2026, 1, 1 + i))], Context);
                return true;
            }
            catch (StreamConflictException)
            {
                return false;
            }
        }));

        attempts.Count(won => won).ShouldBe(1);
        (await _store.ReadStreamAsync(id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task an_unregistered_event_type_is_refused_with_its_name()
    {
        var error = await Should.ThrowAsync<InvalidOperationException>(
            () => _store.AppendAsync(Guid.CreateVersion7(), "teacher", ExpectedVersion.Any, [new UnregisteredThing("x")], Context));
        error.Message.ShouldContain(nameof(UnregisteredThing));
    }

    [Fact]
    public async Task the_database_still_refuses_a_second_event_at_the_same_stream_version()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        await using var cmd = _store.DataSource.CreateCommand(
            "INSERT INTO es_events (seq, id, stream_id, version, type, data, metadata) VALUES (nextval('es_events_seq'), gen_random_uuid(), $1, 1, 'training_started', '{}', '{}')");
        cmd.Parameters.Add(new() { Value = id });
        var error = await Should.ThrowAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        error.SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
    }

    private async Task<long> LastSequenceValue()
    {
        await using var cmd = _store.DataSource.CreateCommand("SELECT last_value FROM es_events_seq");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record UnregisteredThing(string Value);
}
