using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_a_command_goes_through_load_decide_append(TestStoreFixture fixture) : IClassFixture<TestStoreFixture>
{
    private sealed record Status(bool Registered, bool Deferred);

    private static Status Evolve(Status s, object e) => e switch
    {
        TeacherRegistered => s with { Registered = true },
        Deferred => s with { Deferred = true },
        Resumed => s with { Deferred = false },
        _ => s,
    };

    private static IReadOnlyList<object> Defer(Guid id, Status s) =>
        s.Deferred ? [] : [new Deferred(id, "career_break", new DateOnly(2026, 3, 1))];

    private readonly PostgresEventStore _store = fixture.Store;

    [Fact]
    public async Task the_decided_events_are_appended_at_the_loaded_version()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);

        var result = await _store.DecideAsync(id, "teacher", new Status(false, false), Evolve, s => Defer(id, s), Context);

        result.Changed.ShouldBeTrue();
        result.Version.ShouldBe(2);
        result.State.ShouldBe(new Status(true, true));
        result.Events.Single().Data.ShouldBeOfType<Deferred>();
    }

    [Fact]
    public async Task a_decision_with_no_events_writes_nothing()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), new Deferred(id, "other", new DateOnly(2026, 1, 1))], Context);

        var result = await _store.DecideAsync(id, "teacher", new Status(false, false), Evolve, s => Defer(id, s), Context);

        result.Changed.ShouldBeFalse();
        result.Version.ShouldBe(2);
        (await _store.ReadStreamAsync(id)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task a_caller_holding_an_old_version_gets_a_conflict_and_nothing_is_written()
    {
        var id = Guid.CreateVersion7();
        await _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);

        var conflict = await Should.ThrowAsync<StreamConflictException>(
            () => _store.DecideAsync(id, "teacher", new Status(false, false), Evolve, s => Defer(id, s), Context, expected: 1));

        conflict.ActualVersion.ShouldBe(2);
        (await _store.ReadStreamAsync(id)).Version.ShouldBe(2);
    }
}
