using System.Text.Json.Nodes;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

// The shapes an older release wrote: a different name, and a single "full_name" field.
public sealed record TeacherRegisteredV1(Guid TeacherId, string FullName, DateOnly StartedOn);

public class when_event_types_change_over_time : StoreFixture
{
    protected override void Configure(EventStoreOptions options) => TestEvents.Register(options);

    private PostgresEventStore OldRelease() => CreateStore(o => o.Events.Map<TeacherRegisteredV1>("teacher_registered_v1"));

    private PostgresEventStore CurrentRelease() => CreateStore(o =>
    {
        o.Events.Upcast("teacher_registered_v1", "teacher_registered", old => new JsonObject
        {
            ["teacher_id"] = old["teacher_id"]!.DeepClone(),
            ["name"] = old["full_name"]!.DeepClone(),
            ["email"] = null,
            ["date_of_birth"] = null,
            ["started_on"] = old["started_on"]!.DeepClone(),
        });
    });

    [Fact]
    public async Task the_stored_type_is_the_registered_name_not_the_clr_name()
    {
        var id = Guid.CreateVersion7();
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Training(id)], Context);

        await using var cmd = Store.DataSource.CreateCommand("SELECT type FROM es_events WHERE stream_id = $1");
        cmd.Parameters.Add(new() { Value = id });
        (await cmd.ExecuteScalarAsync()).ShouldBe("training_started");
    }

    [Fact]
    public async Task an_old_name_and_shape_reads_as_the_current_record_through_its_upcaster()
    {
        var id = Guid.CreateVersion7();
        await using (var old = OldRelease())
            await old.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [new TeacherRegisteredV1(id, "Ada Lovelace", new DateOnly(2024, 9, 2))], Context);

        await using var current = CurrentRelease();
        var read = (await current.ReadStreamAsync(id)).Events.Single();

        read.TypeName.ShouldBe("teacher_registered");
        read.Data.ShouldBe(new TeacherRegistered(id, "Ada Lovelace", null, null, new DateOnly(2024, 9, 2)));
    }

    [Fact]
    public async Task an_unknown_type_name_fails_the_read_with_a_message_that_names_it()
    {
        var id = Guid.CreateVersion7();
        await using (var old = OldRelease())
            await old.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [new TeacherRegisteredV1(id, "Ada Lovelace", new DateOnly(2024, 9, 2))], Context);

        await using var withoutUpcaster = CreateStore();
        var error = await Should.ThrowAsync<UnknownEventTypeException>(() => withoutUpcaster.ReadStreamAsync(id));
        error.TypeName.ShouldBe("teacher_registered_v1");
        error.Message.ShouldContain("'teacher_registered_v1'");
    }

    [Fact]
    public void a_name_registered_twice_is_refused_at_start_up() =>
        Should.Throw<InvalidOperationException>(() => CreateStore(o => o.Events.Map<Deferred>("training_started")))
            .Message.ShouldContain("training_started");

    [Fact]
    public void a_personal_field_that_could_not_hold_an_erased_value_is_refused_at_start_up() =>
        Should.Throw<InvalidOperationException>(() => CreateStore(o => o.Events.Map<BadPersonal>("bad_personal")))
            .Message.ShouldContain("BadPersonal.DateOfBirth");

    public sealed record BadPersonal([property: Serialization.PersonalData] DateOnly DateOfBirth);
}
