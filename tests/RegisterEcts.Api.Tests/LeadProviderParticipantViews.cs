using System.Net;
using System.Text.Json.Nodes;
using RegisterEcts.Calendar;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.LeadProviders.Participants;
using RegisterEcts.Partnerships;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

/// <summary>Reads a provider's row of lead_provider_participants as the v3 API will serve it.</summary>
public static class ParticipantRows
{
    public sealed record Row(JsonNode Document, DateTimeOffset UpdatedAt)
    {
        public JsonNode Enrolment(string type) => Document["ecf_enrolments"]!.AsArray().Single(e => e!["participant_type"]!.GetValue<string>() == type)!;
        public string Ect(string field) => Enrolment("ect")[field]?.ToString() ?? "null";
    }

    public static async Task<Row?> RowAsync(this ApiWithSchools api, Guid leadProvider, Guid teacher)
    {
        await using var cmd = api.Store.DataSource.CreateCommand(
            "SELECT document::text, api_updated_at FROM lead_provider_participants WHERE lead_provider_id = $1 AND teacher_id = $2");
        cmd.Parameters.Add(new() { Value = leadProvider });
        cmd.Parameters.Add(new() { Value = teacher });
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new Row(JsonNode.Parse(reader.GetString(0))!, reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }

    public static async Task<JsonNode?> TransfersAsync(this ApiWithSchools api, Guid leadProvider, Guid teacher)
    {
        await using var cmd = api.Store.DataSource.CreateCommand(
            "SELECT document::text FROM lead_provider_transfers WHERE lead_provider_id = $1 AND teacher_id = $2");
        cmd.Parameters.Add(new() { Value = leadProvider });
        cmd.Parameters.Add(new() { Value = teacher });
        return await cmd.ExecuteScalarAsync() is string json ? JsonNode.Parse(json)!["transfers"] : null;
    }

    public static async Task<(JsonNode Document, DateTimeOffset UpdatedAt)?> UnfundedMentorAsync(this ApiWithSchools api, Guid leadProvider, Guid mentor)
    {
        await using var cmd = api.Store.DataSource.CreateCommand(
            "SELECT document::text, api_updated_at FROM lead_provider_unfunded_mentors WHERE lead_provider_id = $1 AND teacher_id = $2");
        cmd.Parameters.Add(new() { Value = leadProvider });
        cmd.Parameters.Add(new() { Value = mentor });
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (JsonNode.Parse(reader.GetString(0))!, reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }

    public static async Task<List<string>> AllRowsAsync(this ApiWithSchools api)
    {
        await using var cmd = api.Store.DataSource.CreateCommand(
            """
            SELECT concat_ws('|', lead_provider_id, teacher_id, document::text, encode(hash, 'hex'), api_updated_at, created_at, next_change_on,
                   cohorts::text, training_statuses::text, school_ids::text, partnership_ids::text)
            FROM lead_provider_participants ORDER BY lead_provider_id, teacher_id
            """);
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    /// <summary>Tests of one class share the fixture's schools: the partnership is made by whichever test needs it first.</summary>
    public static async Task<Guid> PartnershipOnceAsync(this ApiWithSchools api, int urn, Guid leadProvider, int year, DateOnly on)
    {
        await using var cmd = api.Store.DataSource.CreateCommand(
            "SELECT p.partnership_id FROM partnerships p JOIN schools s USING (school_id) WHERE s.urn = $1 AND p.lead_provider_id = $2 AND p.contract_period_year = $3");
        cmd.Parameters.Add(new() { Value = urn });
        cmd.Parameters.Add(new() { Value = leadProvider });
        cmd.Parameters.Add(new() { Value = year });
        return await cmd.ExecuteScalarAsync() is Guid id ? id : await api.PartnershipAsync(urn, leadProvider, year, on);
    }

    public static Task<int> RollOverAsync(this ApiWithSchools api, DateOnly day) =>
        RollOverDay.RunAsync(api.Store, day, new EventContext(Actor.System("tests")), CancellationToken.None);
}

public class a_lead_providers_participant_view(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task appears_when_training_is_confirmed_by_its_partnership_and_only_for_that_provider()
    {
        await api.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 6, 10));
        var valley = await api.SchoolAsync(Valley);
        var ect = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Doe")).ShouldBe(HttpStatusCode.Created).TeacherId;

        var row = (await api.RowAsync(Ambition, ect)).ShouldNotBeNull();
        row.Document["full_name"]!.GetValue<string>().ShouldBe("Jane Doe");
        row.Ect("school_urn").ShouldBe(Valley.ToString());
        row.Ect("cohort").ShouldBe("2025");
        row.Ect("training_status").ShouldBe("active");
        row.Ect("participant_status").ShouldBe("active");
        row.Ect("email").ShouldBe("jane@example.com");
        row.Ect("schedule_identifier").ShouldStartWith("ecf-");
        (await api.RowAsync(TeachFirst, ect)).ShouldBeNull();
    }

    [Fact]
    public async Task is_not_there_for_an_expression_of_interest_only()
    {
        // Nobody in this class partners Ambition with Underwood.
        var underwood = await api.SchoolAsync(Underwood);
        var ect = (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await api.RowAsync(Ambition, ect)).ShouldBeNull();
    }

    [Fact]
    public async Task moves_when_the_document_changes_and_not_when_it_does_not()
    {
        await api.PartnershipOnceAsync(Westfield, Ambition, 2025, Day(2025, 6, 10));
        var westfield = await api.SchoolAsync(Westfield);
        var ect = (await westfield.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var first = (await api.RowAsync(Ambition, ect))!;

        (await westfield.ChangesEmailAsync(ect, "jane.doe@example.com", on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.OK);
        var afterEmail = (await api.RowAsync(Ambition, ect))!;
        afterEmail.Ect("email").ShouldBe("jane.doe@example.com");
        afterEmail.UpdatedAt.ShouldBeGreaterThan(first.UpdatedAt);

        (await westfield.CorrectsNameAsync(ect, "Jane Smith", on: Day(2025, 9, 11))).ShouldBe(HttpStatusCode.OK);
        var afterName = (await api.RowAsync(Ambition, ect))!;
        afterName.Document["full_name"]!.GetValue<string>().ShouldBe("Jane Smith");
        afterName.UpdatedAt.ShouldBeGreaterThan(afterEmail.UpdatedAt);

        // The same email again decides nothing; an extension is not in the document.
        await westfield.ChangesEmailAsync(ect, "jane.doe@example.com", on: Day(2025, 9, 12));
        var body = await api.AppropriateBodyAsync(Kingfisher);
        var trn = (await api.Store.ReadStreamAsync(ect)).Events[0].Data is RegisterEcts.Teachers.TeacherRegisteredAsEct r ? r.Trn : "";
        (await body.ClaimsAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 12))).ShouldBe(HttpStatusCode.OK);
        var afterClaim = (await api.RowAsync(Ambition, ect))!;
        afterClaim.Ect("overall_induction_start_date").ShouldBe("2025-09-01");
        afterClaim.UpdatedAt.ShouldBeGreaterThan(afterName.UpdatedAt);

        (await body.ExtendsAsync(ect, 1, on: Day(2025, 9, 13))).ShouldBe(HttpStatusCode.OK);
        (await api.RowAsync(Ambition, ect))!.UpdatedAt.ShouldBe(afterClaim.UpdatedAt);
    }

    [Fact]
    public async Task a_change_that_only_one_provider_sees_moves_only_that_providers_row()
    {
        var ambitionAtOakfield = await api.PartnershipOnceAsync(Oakfield, Ambition, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Underwood, TeachFirst, 2025, Day(2025, 6, 10));
        var oakfield = await api.SchoolAsync(Oakfield);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();
        var ect = (await oakfield.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await oakfield.ReportsEctLeavingAsync(ect, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await underwood.RegistersEctAsync(trn, Day(2026, 1, 5), on: Day(2026, 1, 5), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);
        var ambition = (await api.RowAsync(Ambition, ect))!;
        var teachFirst = (await api.RowAsync(TeachFirst, ect))!;
        ambition.Ect("school_urn").ShouldBe(Oakfield.ToString());
        teachFirst.Ect("school_urn").ShouldBe(Underwood.ToString());

        // Ambition swaps the delivery partner of the Oakfield partnership: Teach First's document does not show it.
        var (reference, _) = await RegisterEcts.Reference.ReferenceStream.LoadAsync(api.Store);
        var from = Guid.Parse(ambition.Ect("delivery_partner_id"));
        var to = reference.LeadProviderDeliveryPartnerships.Values.First(p => p.LeadProviderId == Ambition && p.Year == 2025 && p.DeliveryPartnerId != from).DeliveryPartnerId;
        await api.Store.AppendAsync(ambitionAtOakfield, SchoolPartnership.StreamType, ExpectedVersion.Any,
            [new SchoolPartnershipDeliveryPartnerChanged(ambitionAtOakfield, from, to, Day(2026, 2, 1))], new EventContext(Actor.System("tests")));

        var ambitionAfter = (await api.RowAsync(Ambition, ect))!;
        ambitionAfter.Ect("delivery_partner_id").ShouldBe(to.ToString());
        ambitionAfter.UpdatedAt.ShouldBeGreaterThan(ambition.UpdatedAt);
        (await api.RowAsync(TeachFirst, ect))!.UpdatedAt.ShouldBe(teachFirst.UpdatedAt);
    }

    [Fact]
    public async Task an_ect_moving_to_a_school_with_another_provider_is_a_transfer_both_providers_see()
    {
        await api.PartnershipOnceAsync(Oakfield, Ambition, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Underwood, TeachFirst, 2025, Day(2025, 6, 10));
        var oakfield = await api.SchoolAsync(Oakfield);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();
        var ect = (await oakfield.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await api.TransfersAsync(Ambition, ect)).ShouldBeNull();

        (await oakfield.ReportsEctLeavingAsync(ect, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await underwood.RegistersEctAsync(trn, Day(2026, 1, 5), on: Day(2026, 1, 5), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);

        foreach (var provider in new[] { Ambition, TeachFirst })
        {
            var transfer = (await api.TransfersAsync(provider, ect)).ShouldNotBeNull().AsArray().Single()!;
            transfer["transfer_type"]!.GetValue<string>().ShouldBe("new_provider");
            transfer["status"]!.GetValue<string>().ShouldBe("complete");
            transfer["leaving"]!["school_urn"]!.GetValue<string>().ShouldBe(Oakfield.ToString());
            transfer["leaving"]!["provider"]!.GetValue<string>().ShouldBe("Ambition Institute");
            transfer["leaving"]!["date"]!.GetValue<string>().ShouldBe("2025-12-31");
            transfer["joining"]!["school_urn"]!.GetValue<string>().ShouldBe(Underwood.ToString());
            transfer["joining"]!["provider"]!.GetValue<string>().ShouldBe("Teach First");
            transfer["joining"]!["date"]!.GetValue<string>().ShouldBe("2026-01-05");
        }
    }

    [Fact]
    public async Task a_mentor_the_provider_does_not_train_is_its_unfunded_mentor_until_it_trains_them()
    {
        await api.PartnershipOnceAsync(Westfield, Ambition, 2025, Day(2025, 6, 10));
        var westfield = await api.SchoolAsync(Westfield);
        var ect = (await westfield.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        // Assigning an untrained mentor to Ambition's ECT would start their training with Ambition; this one
        // already has training arranged with Teach First (no partnership here, so Teach First does not see them).
        var mentor = (await westfield.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: TeachFirst, name: "Maria Lopez"))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        (await api.UnfundedMentorAsync(Ambition, mentor)).ShouldBeNull();

        (await westfield.AssignsMentorAsync(ect, mentor, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        var row = (await api.UnfundedMentorAsync(Ambition, mentor)).ShouldNotBeNull();
        row.Document["full_name"]!.GetValue<string>().ShouldBe("Maria Lopez");
        row.Document["email"]!.GetValue<string>().ShouldBe("maria@example.com");
        (await api.UnfundedMentorAsync(TeachFirst, mentor)).ShouldBeNull();
        (await api.RowAsync(Ambition, ect))!.Ect("mentor_id").ShouldBe(mentor.ToString());

        // The ECT's own change does not touch the mentor's document; the mentor's email does.
        (await westfield.ChangesEmailAsync(ect, "ect.new@example.com", on: Day(2025, 9, 3))).ShouldBe(HttpStatusCode.OK);
        (await api.UnfundedMentorAsync(Ambition, mentor))!.Value.UpdatedAt.ShouldBe(row.UpdatedAt);
        (await westfield.ChangesEmailAsync(mentor, "maria.lopez@example.com", on: Day(2025, 9, 4))).ShouldBe(HttpStatusCode.OK);
        var changed = (await api.UnfundedMentorAsync(Ambition, mentor))!.Value;
        changed.Document["email"]!.GetValue<string>().ShouldBe("maria.lopez@example.com");
        changed.UpdatedAt.ShouldBeGreaterThan(row.UpdatedAt);

        // Once Ambition trains the mentor, they are its participant, not its unfunded mentor.
        (await westfield.ChangesMentorLeadProviderAsync(mentor, Ambition, on: Day(2025, 9, 5))).ShouldBe(HttpStatusCode.OK);
        (await api.RowAsync(Ambition, mentor)).ShouldNotBeNull();
        (await api.UnfundedMentorAsync(Ambition, mentor)).ShouldBeNull();
    }

    [Fact]
    public async Task a_provider_change_keeps_the_old_providers_row_with_its_finished_period()
    {
        await api.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Valley, TeachFirst, 2025, Day(2025, 6, 10));
        var valley = await api.SchoolAsync(Valley);
        var ect = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await valley.ChangesEctLeadProviderAsync(ect, TeachFirst, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        (await api.RowAsync(Ambition, ect))!.Ect("participant_status").ShouldBe("left");
        (await api.RowAsync(TeachFirst, ect))!.Ect("participant_status").ShouldBe("active");
    }
}

/// <summary>The calendar moves statuses: a roll-over recomputes the rows due that day, and only those.</summary>
public class the_daily_roll_over(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task turns_joining_into_active_on_the_start_date_and_moves_api_updated_at_then()
    {
        await api.PartnershipOnceAsync(Valley, Ambition, 2026, Day(2026, 6, 10));
        var valley = await api.SchoolAsync(Valley);
        var today = BusinessCalendar.DateInEngland(DateTimeOffset.UtcNow);
        var startsOn = today.AddDays(20);
        var joining = (await valley.RegistersEctAsync(Trns.Next(), startsOn, on: today)).ShouldBe(HttpStatusCode.Created).TeacherId;
        var active = (await valley.RegistersEctAsync(Trns.Next(), today.AddDays(-30), on: today)).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = (await api.RowAsync(Ambition, joining))!;
        var untouched = (await api.RowAsync(Ambition, active))!;
        before.Ect("participant_status").ShouldBe("joining");

        (await api.RollOverAsync(startsOn.AddDays(-1))).ShouldBeGreaterThan(0);
        (await api.RowAsync(Ambition, joining))!.UpdatedAt.ShouldBe(before.UpdatedAt);

        (await api.RollOverAsync(startsOn)).ShouldBe(1);
        var after = (await api.RowAsync(Ambition, joining))!;
        after.Ect("participant_status").ShouldBe("active");
        after.UpdatedAt.ShouldBeGreaterThan(before.UpdatedAt);
        (await api.RowAsync(Ambition, active))!.UpdatedAt.ShouldBe(untouched.UpdatedAt);

        (await api.RollOverAsync(startsOn)).ShouldBe(0);
    }
}

/// <summary>Scripted careers, then an offline rebuild: every row comes back identical, api_updated_at included.</summary>
public class rebuilding_the_participant_views(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task gives_back_exactly_the_rows_the_appends_wrote()
    {
        var ambitionAtOakfield = await api.PartnershipOnceAsync(Oakfield, Ambition, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Underwood, TeachFirst, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Valley, TeachFirst, 2025, Day(2025, 6, 10));
        var oakfield = await api.SchoolAsync(Oakfield);
        var underwood = await api.SchoolAsync(Underwood);
        var valley = await api.SchoolAsync(Valley);

        var mover = Trns.Next();
        var ect = (await oakfield.RegistersEctAsync(mover, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var mentor = (await oakfield.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await oakfield.AssignsMentorAsync(ect, mentor, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        (await oakfield.ChangesEmailAsync(ect, "new@example.com", on: Day(2025, 9, 3))).ShouldBe(HttpStatusCode.OK);
        (await oakfield.ReportsEctLeavingAsync(ect, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await underwood.RegistersEctAsync(mover, Day(2026, 1, 5), on: Day(2026, 1, 5), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);
        var switcher = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ChangesEctLeadProviderAsync(switcher, TeachFirst, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        var today = BusinessCalendar.DateInEngland(DateTimeOffset.UtcNow);
        await api.PartnershipOnceAsync(Westfield, Ambition, 2026, Day(2026, 6, 10));
        var westfield = await api.SchoolAsync(Westfield);
        (await westfield.RegistersEctAsync(Trns.Next(), today.AddDays(3), on: today)).ShouldBe(HttpStatusCode.Created);
        await api.RollOverAsync(today.AddDays(5));
        var (reference, _) = await RegisterEcts.Reference.ReferenceStream.LoadAsync(api.Store);
        var from = Guid.Parse((await api.RowAsync(Ambition, mentor))!.Enrolment("mentor")["delivery_partner_id"]!.GetValue<string>());
        var to = reference.LeadProviderDeliveryPartnerships.Values.First(p => p.LeadProviderId == Ambition && p.Year == 2025 && p.DeliveryPartnerId != from).DeliveryPartnerId;
        await api.Store.AppendAsync(ambitionAtOakfield, SchoolPartnership.StreamType, ExpectedVersion.Any,
            [new SchoolPartnershipDeliveryPartnerChanged(ambitionAtOakfield, from, to, Day(2026, 2, 1))], new EventContext(Actor.System("tests")));

        var live = await api.AllRowsAsync();
        live.Count.ShouldBeGreaterThanOrEqualTo(5);

        var projection = api.Store.InlineProjections.OfType<LeadProviderParticipantsProjection>().Single();
        await new ProjectionRebuilder(api.Store, batchSize: 7).RebuildAsync(projection);

        (await api.AllRowsAsync()).ShouldBe(live);
    }
}
