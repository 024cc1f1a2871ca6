using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_a_teacher_is_erased : StoreFixture
{
    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_teacher_status", TeacherStatusProjection.Table));
        options.AsyncProjections.Add(new TeacherStatusProjection());
    }

    [Fact]
    public async Task personal_fields_are_stored_encrypted_and_read_back_in_clear()
    {
        var id = Guid.CreateVersion7();
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id, "Jane Doe")], Context);

        var raw = await RawData(id);
        raw.ShouldNotContain("Jane Doe");
        raw.ShouldNotContain("jane@example.com");
        raw.ShouldNotContain("1995-04-01");
        raw.ShouldContain("2025-09-01"); // not personal, stays queryable
        (await Store.ReadStreamAsync(id)).Events.Single().Data.ShouldBe(Registered(id, "Jane Doe"));
    }

    [Fact]
    public async Task personal_fields_with_quotes_escapes_and_any_script_read_back_exactly_wherever_they_are_read()
    {
        var id = Guid.CreateVersion7();
        var written = new TeacherRegistered(id, "Jane \"JD\" Doé-Ní Łódź 😀 \\ / \u0001", null, new DateOnly(1990, 2, 28), new DateOnly(2025, 9, 1));
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [written, Training(id)], Context);

        (await RawData(id)).ShouldNotContain("Doé");
        (await Store.ReadStreamAsync(id)).Events.Select(e => e.Data).ShouldBe([written, Training(id)]);
        (await Store.ReadAllAsync(0, 1000)).Where(e => e.StreamId == id).Select(e => e.Data).ShouldBe([written, Training(id)]);
        await new ProjectionDaemon(Store).CatchUpAsync();
        (await ProjectedName(id)).ShouldBe(written.Name);
    }

    [Fact]
    public async Task after_erasure_the_fields_read_as_erased_everywhere_and_the_facts_stay()
    {
        var jane = Guid.CreateVersion7();
        var other = Guid.CreateVersion7();
        await Store.AppendAsync(jane, "teacher", ExpectedVersion.NoStream, [Registered(jane, "Jane Doe"), Training(jane)], Context);
        await Store.AppendAsync(other, "teacher", ExpectedVersion.NoStream, [Registered(other, "Olu Other")], Context);

        await Store.EraseSubjectAsync(jane);

        var stream = await Store.ReadStreamAsync(jane);
        stream.Events[0].Data.ShouldBe(new TeacherRegistered(jane, PersonalData.Erased, PersonalData.Erased, null, new DateOnly(2025, 9, 1)));
        stream.Events[1].Data.ShouldBe(Training(jane));
        (await Store.ReadStreamAsync(other)).Events[0].Data.ShouldBe(Registered(other, "Olu Other"));
        var log = await Store.ReadAllAsync(0, 1000);
        log.Where(e => e.StreamId == jane).Select(e => e.Data).ShouldBe(stream.Events.Select(e => e.Data));

        // Replaying into a projection built from scratch shows the erased value too.
        await new ProjectionDaemon(Store).CatchUpAsync();
        (await ProjectedName(jane)).ShouldBe(PersonalData.Erased);
        (await ProjectedName(other)).ShouldBe("Olu Other");
    }

    [Fact]
    public async Task events_written_after_erasure_store_nothing_personal()
    {
        var id = Guid.CreateVersion7();
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Training(id)], Context);
        await Store.EraseSubjectAsync(id);

        var appended = await Store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(1), [Registered(id, "Jane Again")], Context);

        (await RawData(id)).ShouldNotContain("Jane Again");
        appended.Events.Single().Data.ShouldBeOfType<TeacherRegistered>().Name.ShouldBe(PersonalData.Erased);
        (await Store.ReadStreamAsync(id)).Events[1].Data.ShouldBeOfType<TeacherRegistered>().Email.ShouldBe(PersonalData.Erased);
    }

    [Fact]
    public async Task erasing_deletes_the_key_material()
    {
        var id = Guid.CreateVersion7();
        await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context);
        await Store.EraseSubjectAsync(id);

        await using var cmd = Store.DataSource.CreateCommand("SELECT key IS NULL AND erased_at IS NOT NULL FROM es_personal_keys WHERE subject_id = $1");
        cmd.Parameters.Add(new() { Value = id });
        (await cmd.ExecuteScalarAsync()).ShouldBe(true);
    }

    private async Task<string> RawData(Guid id)
    {
        await using var cmd = Store.DataSource.CreateCommand("SELECT string_agg(data::text, ' ') FROM es_events WHERE stream_id = $1");
        cmd.Parameters.Add(new() { Value = id });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string?> ProjectedName(Guid id)
    {
        await using var cmd = Store.DataSource.CreateCommand("SELECT name FROM teacher_status WHERE teacher_id = $1");
        cmd.Parameters.Add(new() { Value = id });
        return (string?)await cmd.ExecuteScalarAsync();
    }
}
