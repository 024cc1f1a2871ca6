using System.Diagnostics;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_reading_streams_and_the_log(TestStoreFixture fixture) : IClassFixture<TestStoreFixture>
{
    private readonly PostgresEventStore _store = fixture.Store;

    [Fact]
    public async Task a_stream_reads_whole_or_up_to_a_version_in_version_order()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);
        await _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(2), [new Deferred(id, "career_break", new DateOnly(2026, 1, 10))], Context);

        var whole = await _store.ReadStreamAsync(id);
        whole.Version.ShouldBe(3);
        whole.Events.Select(e => e.Version).ShouldBe([1L, 2L, 3L]);
        whole.Events[2].Data.ShouldBe(new Deferred(id, "career_break", new DateOnly(2026, 1, 10)));

        var upTo2 = await _store.ReadStreamAsync(id, upToVersion: 2);
        upTo2.Version.ShouldBe(2);
        upTo2.Events.Last().Data.ShouldBeOfType<TrainingStarted>();
    }

    [Fact]
    public async Task a_stream_reads_as_it_was_known_at_a_recorded_time()
    {
        var id = Guid.CreateVersion7();
        var first = await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);
        await Task.Delay(20);
        await _store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [Training(id)], Context);

        var knownThen = await _store.ReadStreamAsync(id, recordedUpTo: first.Events[0].RecordedAt);

        knownThen.Events.Count.ShouldBe(1);
        knownThen.Version.ShouldBe(1);
    }

    [Fact]
    public async Task a_stream_that_does_not_exist_reads_as_version_zero()
    {
        var slice = await _store.ReadStreamAsync(Guid.CreateVersion7());
        slice.Exists.ShouldBeFalse();
        slice.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_log_reads_from_a_global_position_in_pages()
    {
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList();
        var appended = new List<RecordedEvent>();
        foreach (var id in ids)
            appended.AddRange((await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context)).Events);

        var read = new List<RecordedEvent>();
        var position = appended[0].Sequence - 1;
        while (read.Count < appended.Count)
        {
            var page = await _store.ReadAllAsync(position, 3);
            page.Count.ShouldBeLessThanOrEqualTo(3);
            page.ShouldNotBeEmpty();
            read.AddRange(page.Where(e => ids.Contains(e.StreamId)));
            position = page[^1].Sequence;
        }

        read.Select(e => e.Sequence).ShouldBe(appended.Select(e => e.Sequence));
        read.Select(e => e.Data).ShouldBe(appended.Select(e => e.Data));
    }

    [Fact]
    public async Task every_event_carries_its_metadata_and_the_database_clock()
    {
        using var source = new ActivitySource("tests");
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData };
        ActivitySource.AddActivityListener(listener);
        using var request = source.StartActivity("request")!;
        var id = Guid.CreateVersion7();
        var context = new EventContext(new Actor("support", "user-7", "Sam Support"), CausationId: "cmd-42", Reason: "Wrong start date", SupportTicket: "ZD-1234");

        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], context);
        var stored = (await _store.ReadStreamAsync(id)).Events.Single();

        stored.Id.Version.ShouldBe(7);
        stored.Metadata.ShouldBe(new EventMetadata(context.Actor, request.TraceId.ToHexString(), "cmd-42", "Wrong start date", "ZD-1234"));
        await using var now = _store.DataSource.CreateCommand("SELECT now()");
        var dbNow = (DateTime)(await now.ExecuteScalarAsync())!;
        (new DateTimeOffset(dbNow) - stored.RecordedAt).Duration().ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task metadata_without_causation_reason_or_ticket_is_stored_without_them_and_reads_back_as_null()
    {
        var id = Guid.CreateVersion7();
        var context = new EventContext(new Actor("school", "100001", "Oak Academy"), CorrelationId: "corr-1");

        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], context);
        var first = (await _store.ReadStreamAsync(id)).Events.Single();
        var second = (await _store.ReadStreamAsync(id)).Events.Single();

        await using (var stored = _store.DataSource.CreateCommand("SELECT metadata ?| array['causation_id', 'reason', 'support_ticket'] FROM es_events WHERE stream_id = $1"))
        {
            stored.Parameters.Add(new() { Value = id });
            ((bool)(await stored.ExecuteScalarAsync())!).ShouldBeFalse();
        }
        // Metadata is read when first asked for; events are equal whether or not it has been yet.
        second.ShouldBe(first);
        first.Metadata.ShouldBe(new EventMetadata(context.Actor, "corr-1", null, null, null));
        second.ShouldBe(first);
        first.ShouldBe(second with { Metadata = first.Metadata });
    }
}
