using System.Net;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_support_erases_a_teacher(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task names_read_as_erased_and_the_periods_stay()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Erasable")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ChangesEmailAsync(jane, "jane.erasable@school.example", on: Day(2025, 9, 15))).ShouldBe(HttpStatusCode.OK);

        var reply = (await (await api.SupportAsync()).ErasesAsync(jane, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        reply["name"].GetValue<string>().ShouldBe(PersonalData.Erased);
        reply["trn"].GetValue<string>().ShouldBe(trn);
        var period = reply["ect_at_school_periods"].AsArray().Single()!;
        period["email"]!.GetValue<string>().ShouldBe(PersonalData.Erased);
        period["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
        reply.Training("ect").Single()["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");

        // The stream: every personal field erased, every fact kept.
        var events = (await api.StreamAsync(jane)).Select(e => e.Data).ToList();
        var registered = events.OfType<TeacherRegisteredAsEct>().Single();
        (registered.Name, registered.Email, registered.Trn, registered.StartedOn).ShouldBe((PersonalData.Erased, PersonalData.Erased, trn, Day(2025, 9, 1)));
        events.OfType<TeacherEmailChanged>().Single().Email.ShouldBe(PersonalData.Erased);

        // The school's list and the TRN table.
        var row = (await valley.PeriodsOfAsync(jane)).Single();
        row["name"]!.GetValue<string>().ShouldBe(PersonalData.Erased);
        row["email"].ShouldBeNull();
        row["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
        await using var trnTable = api.Store.DataSource.CreateCommand("SELECT name FROM teacher_trns WHERE teacher_id = $1");
        trnTable.Parameters.Add(new() { Value = jane });
        (await trnTable.ExecuteScalarAsync()).ShouldBe(PersonalData.Erased);

        // Nowhere in the store can the name still be read.
        await using var raw = api.Store.DataSource.CreateCommand("SELECT count(*) FROM es_events WHERE stream_id = $1 AND data::text LIKE '%Erasable%'");
        raw.Parameters.Add(new() { Value = jane });
        (await raw.ExecuteScalarAsync()).ShouldBe(0L);
    }

    [Fact]
    public async Task the_erasure_is_recorded_with_the_support_actor_reason_and_ticket()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await (await api.SupportAsync()).ErasesAsync(jane, on: Day(2025, 10, 1), reason: "Subject access request", ticket: "ZD-42")).ShouldBe(HttpStatusCode.OK);

        var erased = (await api.StreamAsync(jane))[^1];
        erased.Data.ShouldBe(new TeacherPersonalDataErased(jane, ErasureReason.RightToErasure, Day(2025, 10, 1)));
        (erased.Metadata.Actor.Type, erased.Metadata.Reason, erased.Metadata.SupportTicket).ShouldBe(("support", "Subject access request", "ZD-42"));
    }

    [Fact]
    public async Task erasing_again_records_nothing_more()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await api.SupportAsync();
        var first = (await support.ErasesAsync(jane, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();

        var again = (await support.ErasesAsync(jane, on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.OK);

        again.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        (await api.EventCountAsync()).ShouldBe(before);
    }
}
