using System.Net;
using System.Text.Json.Nodes;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// <summary>
/// The v3 API with the sample statements opened. Teachers are written straight to their streams, as the school
/// journeys would leave them, so each test states exactly which provider trains whom and when.
/// </summary>
public class ApiWithDeclarations : ApiWithLeadProviders
{
    public static readonly Guid Pennine = Guid.Parse("9921c7d0-2429-5bb0-ada8-5143d91ba27e"); // Ambition's delivery partner in 2025
    public static readonly Guid School = Guid.Parse("0199f000-0000-7000-8000-00000000d0d0");
    public static readonly EventContext Context = new(Actor.System("tests"));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var (reference, _) = await ReferenceStream.LoadAsync(Store);
        await StatementStreams.OpenAsync(Store, StatementSeed.Parse(await File.ReadAllTextAsync(SamplePath("reference", "statements.json")), reference), Context);
    }

    /// A teacher in provider-led 2025 training with each (provider, from, to) in turn, as training periods 2, 3, ….
    public async Task<Guid> TeacherAsync(TeacherRole role, bool eligible, params (Guid LeadProvider, DateOnly From, DateOnly? To)[] training)
    {
        var id = Guid.CreateVersion7();
        var start = training[0].From;
        List<object> events =
        [
            role == TeacherRole.Ect
                ? new TeacherRegisteredAsEct(id, Trns.Next(), "Jane Doe", null, 1, School, start, WorkingPattern.FullTime, Kingfisher)
                : new TeacherRegisteredAsMentor(id, Trns.Next(), "Maria Lopez", null, 1, School, start),
        ];
        for (var i = 0; i < training.Length; i++)
        {
            var (lp, from, to) = training[i];
            events.Add(new TrainingPeriodStarted(id, i + 2, role, 1, School, from, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(lp, 2025, "ecf-standard-september", Guid.CreateVersion7(), lp == Ambition ? Pennine : Guid.CreateVersion7())));
            if (to is { } end) events.Add(new TrainingPeriodFinished(id, i + 2, end));
        }
        if (eligible) events.Add(new TeacherFundingEligibilitySet(id, role, start));
        await Store.AppendAsync(id, Teacher.StreamType, ExpectedVersion.NoStream, events, Context);
        return id;
    }

    public Task<Guid> EctAsync(Guid leadProvider, bool eligible = true) => TeacherAsync(TeacherRole.Ect, eligible, (leadProvider, Day(2025, 9, 1), null));

    public Task WithdrawAsync(Guid teacher, int period, DateOnly on) =>
        Store.AppendAsync(teacher, Teacher.StreamType, ExpectedVersion.Any, [new TrainingPeriodWithdrawn(teacher, period, WithdrawalReason.Other, on)], Context);
}

public static class Declares
{
    public static string Body(Guid? participant, string? type = "started", string? date = "2025-09-20T10:00:00Z", string? course = "ecf-induction",
        string? evidence = "training-event-attended")
    {
        var attributes = new JsonObject();
        if (participant is { } p) attributes["participant_id"] = p.ToString();
        if (type is not null) attributes["declaration_type"] = type;
        if (date is not null) attributes["declaration_date"] = date;
        if (course is not null) attributes["course_identifier"] = course;
        if (evidence is not null) attributes["evidence_held"] = evidence;
        return LeadProviderClient.Body("participant-declaration", attributes);
    }

    public static Task<Reply> DeclaresAsync(this LeadProviderClient provider, Guid participant, string type = "started", string date = "2025-09-20T10:00:00Z",
        string course = "ecf-induction", string evidence = "training-event-attended", DateOnly? on = null, string? idempotencyKey = null) =>
        provider.PostAsync("/api/v3/participant-declarations", Body(participant, type, date, course, evidence), idempotencyKey, on);

    public static Task<Reply> VoidsAsync(this LeadProviderClient provider, Guid declaration, DateOnly? on = null) =>
        provider.PutAsync($"/api/v3/participant-declarations/{declaration}/void", "", on);

    public static async Task<IReadOnlyList<string>> SeesAsync(this LeadProviderClient provider, string query = "") =>
        (await provider.GetAsync($"/api/v3/participant-declarations?page[per_page]=3000{query}")).ShouldBe(HttpStatusCode.OK).Ids();
}

public class the_v3_participant_declarations(ApiWithDeclarations api) : IClassFixture<ApiWithDeclarations>
{
    private static readonly (string, string) NotFound = ("Resource not found", "Nothing could be found for the provided details");
    private static readonly Guid Ambition = ApiWithSchools.Ambition;
    private static readonly Guid TeachFirst = ApiWithSchools.TeachFirst;

    [Fact]
    public async Task a_declaration_of_an_eligible_participant_is_eligible_on_the_next_output_statement_and_shown_as_submitted()
    {
        var jane = await api.EctAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);

        var created = (await ambition.DeclaresAsync(jane)).ShouldBe(HttpStatusCode.OK);

        created["data"]["type"]!.GetValue<string>().ShouldBe("participant-declaration");
        var a = created["data"]["attributes"]!;
        a["participant_id"]!.GetValue<string>().ShouldBe(jane.ToString());
        a["declaration_type"]!.GetValue<string>().ShouldBe("started");
        a["course_identifier"]!.GetValue<string>().ShouldBe("ecf-induction");
        a["declaration_date"]!.GetValue<string>().ShouldBe("2025-09-20T10:00:00.000Z");
        a["state"]!.GetValue<string>().ShouldBe("eligible");
        a["statement_id"]!.GetValue<string>().ShouldBe(Statement.IdFor(Ambition, 2025, 2025, 11).ToString());
        a["clawback_statement_id"].ShouldBeNull();
        a["delivery_partner_id"]!.GetValue<string>().ShouldBe(ApiWithDeclarations.Pennine.ToString());
        a["evidence_held"]!.GetValue<string>().ShouldBe("training-event-attended");
        a["lead_provider_name"]!.GetValue<string>().ShouldBe("Ambition Institute");
        a["ineligible_for_funding_reason"].ShouldBeNull();
        a["uplift_paid"]!.GetValue<bool>().ShouldBeFalse();
        a["mentor_id"].ShouldBeNull();
        a["updated_at"]!.GetValue<string>().ShouldBe(a["created_at"]!.GetValue<string>());

        var shown = (await ambition.GetAsync($"/api/v3/participant-declarations/{created.Id()}")).ShouldBe(HttpStatusCode.OK);
        shown["data"]!.ToJsonString().ShouldBe(created["data"]!.ToJsonString());
        (await ambition.SeesAsync()).ShouldContain(created.Id().ToString());
    }

    [Fact]
    public async Task a_participant_not_yet_eligible_gets_a_submitted_declaration_on_no_statement()
    {
        var jane = await api.EctAsync(Ambition, eligible: false);
        var created = (await (await api.LeadProviderAsync(Ambition)).DeclaresAsync(jane)).ShouldBe(HttpStatusCode.OK);
        created.Attribute("state").ShouldBe("submitted");
        created["data"]["attributes"]!["statement_id"].ShouldBeNull();
    }

    [Fact]
    public async Task every_refusal_of_a_submission_is_in_the_references_words()
    {
        var jane = await api.EctAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        Task<Reply> Post(string body) => ambition.PostAsync("/api/v3/participant-declarations", body);

        (await Post("""{"data":{"type":"participant-declaration"}}""")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "Correct json data structure required. See API docs for reference."));
        (await Post(Declares.Body(null))).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("participant_id", "Enter a '#/participant_id'."));
        var notRecognised = ("participant_id", "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again.");
        (await Post(Declares.Body(Guid.CreateVersion7()))).ShouldBeError(HttpStatusCode.UnprocessableEntity, notRecognised);
        (await (await api.LeadProviderAsync(TeachFirst)).DeclaresAsync(jane)).ShouldBeError(HttpStatusCode.UnprocessableEntity, notRecognised);
        (await Post(Declares.Body(jane, course: null))).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("course_identifier", "Enter a '#/course_identifier'."));
        (await Post(Declares.Body(jane, course: "ecf-mentor"))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("course_identifier", "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again."));
        (await Post(Declares.Body(jane, date: null))).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("declaration_date", "Enter a '#/declaration_date'."));
        (await Post(Declares.Body(jane, date: "2025-09-20"))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_date", "Enter a valid RCF3339 '#/declaration_date'."));
        (await Post(Declares.Body(jane, date: "2025-10-02T10:00:00Z"))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_date", "The '#/declaration_date' value cannot be a future date. Check the date and try again."));
        (await Post(Declares.Body(jane, date: "2025-05-31T10:00:00Z"))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_date", "Declaration date must be on or after the milestone start date for the same declaration type."));
        (await Post(Declares.Body(jane, type: null))).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("declaration_type", "Enter a '#/declaration_type'."));
        (await Post(Declares.Body(jane, type: "halfway"))).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("declaration_type", "Enter a valid declaration type."));
        (await Post(Declares.Body(jane, type: "extended-1"))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_type", "The property '#/declaration_type' does not exist for this schedule."));
        (await Post(Declares.Body(jane, evidence: null))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("evidence_held", "Enter a '#/evidence_held' value for this participant."));
        (await Post(Declares.Body(jane, evidence: "one-term-induction"))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("evidence_held", "Enter an available '#/evidence_held' type for this participant."));

        // Several broken rules come back together, one error per field.
        (await Post(Declares.Body(jane, date: "2025-09-20", type: null))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_date", "Enter a valid RCF3339 '#/declaration_date'."), ("declaration_type", "Enter a '#/declaration_type'."));
        (await Post(Declares.Body(jane, date: "2025-10-02T10:00:00Z", evidence: "one-term-induction"))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_date", "The '#/declaration_date' value cannot be a future date. Check the date and try again."),
            ("evidence_held", "Enter an available '#/evidence_held' type for this participant."));

        (await ambition.DeclaresAsync(jane, "retained-1", "2025-09-25T10:00:00Z")).ShouldBe(HttpStatusCode.OK);
        (await ambition.DeclaresAsync(jane, "started", "2025-09-30T10:00:00Z")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_date", "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates for this participant."));
        (await ambition.DeclaresAsync(jane)).ShouldBe(HttpStatusCode.OK);
        (await ambition.DeclaresAsync(jane)).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event."));
    }

    [Fact]
    public async Task a_submission_for_a_cohort_whose_statements_have_all_passed_is_refused()
    {
        var jane = await api.EctAsync(Ambition);
        // The 2025 cohort's last statement is August 2028: after its cut-off nothing can be paid.
        (await (await api.LeadProviderAsync(Ambition)).DeclaresAsync(jane, on: Day(2028, 9, 1))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("cohort", "You cannot submit or void declarations for the 2025 cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us."));
    }

    [Fact]
    public async Task a_retried_post_with_the_same_idempotency_key_returns_the_first_declaration_and_creates_no_other()
    {
        var jane = await api.EctAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var key = Guid.NewGuid().ToString();

        var first = (await ambition.DeclaresAsync(jane, idempotencyKey: key)).ShouldBe(HttpStatusCode.OK);
        var again = (await ambition.DeclaresAsync(jane, idempotencyKey: key)).ShouldBe(HttpStatusCode.OK);

        again.Id().ShouldBe(first.Id());
        (await ambition.SeesAsync($"&filter[participant_id]={jane}")).ShouldBe([first.Id().ToString()]);
    }

    [Fact]
    public async Task two_identical_posts_at_once_create_one_declaration_and_both_get_it()
    {
        var jane = await api.EctAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);

        var replies = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => ambition.DeclaresAsync(jane))));

        var ids = (await ambition.SeesAsync($"&filter[participant_id]={jane}"));
        ids.Count.ShouldBe(1);
        // The loser either learns the winner (decided together) or is refused as a duplicate (decided after it committed).
        foreach (var reply in replies)
            if (reply.Status == HttpStatusCode.OK) reply.Id().ToString().ShouldBe(ids[0]);
            else reply.ShouldBeError(HttpStatusCode.UnprocessableEntity, ("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event."));
        replies.Count(r => r.Status == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task filters_select_by_cohort_participant_delivery_partner_and_updated_since_in_created_order()
    {
        var jane = await api.EctAsync(Ambition);
        var john = await api.EctAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var janes = (await ambition.DeclaresAsync(jane)).ShouldBe(HttpStatusCode.OK);
        var johns = (await ambition.DeclaresAsync(john)).ShouldBe(HttpStatusCode.OK);
        string[] both = [janes.Id().ToString(), johns.Id().ToString()];

        (await ambition.SeesAsync($"&filter[participant_id]={jane},{john},not-a-uuid")).ShouldBe(both);
        (await ambition.SeesAsync($"&filter[participant_id]={jane},{john}&sort=-created_at")).ShouldBe(both);
        (await ambition.SeesAsync("&filter[participant_id]=not-a-uuid")).ShouldBeEmpty();
        (await ambition.SeesAsync($"&filter[participant_id]={jane}&filter[cohort]=2025")).ShouldBe([both[0]]);
        (await ambition.SeesAsync($"&filter[participant_id]={jane}&filter[cohort]=2024")).ShouldBeEmpty();
        (await ambition.SeesAsync($"&filter[participant_id]={jane}&filter[cohort]=abc")).ShouldBeEmpty();
        (await ambition.SeesAsync($"&filter[participant_id]={jane}&filter[delivery_partner_id]={ApiWithDeclarations.Pennine}")).ShouldBe([both[0]]);
        (await ambition.SeesAsync($"&filter[participant_id]={jane}&filter[delivery_partner_id]={Guid.CreateVersion7()}")).ShouldBeEmpty();
        var updatedAt = johns.Attribute("updated_at");
        (await ambition.SeesAsync($"&filter[participant_id]={jane},{john}&filter[updated_since]={updatedAt}")).ShouldBe([both[1]]);

        var first = (await ambition.GetAsync($"/api/v3/participant-declarations?filter[participant_id]={jane},{john}&page[per_page]=1")).ShouldBe(HttpStatusCode.OK);
        first.Ids().ShouldBe([both[0]]);
        var next = first["links"]["next"]!.GetValue<string>();
        (await ambition.GetAsync(next)).Ids().ShouldBe([both[1]]);
        (await ambition.GetAsync($"/api/v3/participant-declarations?filter[participant_id]={jane},{john}&page[per_page]=1&page[page]=2")).Ids().ShouldBe([both[1]]);

        (await ambition.GetAsync("/api/v3/participant-declarations?filter[updated_since]=yesterday")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The filter '#/updated_since' must be a valid ISO 8601 date"));
        (await ambition.GetAsync("/api/v3/participant-declarations?page[per_page]=-1")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number"));
        (await ambition.GetAsync("/api/v3/participant-declarations?filter=x")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad parameter", "Filter must be a hash"));
    }

    [Fact]
    public async Task a_provider_cannot_see_or_void_declarations_of_a_teacher_it_does_not_train_and_nor_can_the_other()
    {
        var ambitions = await api.EctAsync(Ambition);
        var teachFirsts = await api.EctAsync(TeachFirst);
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var a = (await ambition.DeclaresAsync(ambitions)).ShouldBe(HttpStatusCode.OK).Id();
        var t = (await teachFirst.DeclaresAsync(teachFirsts)).ShouldBe(HttpStatusCode.OK).Id();

        (await ambition.SeesAsync()).ShouldNotContain(t.ToString());
        (await teachFirst.SeesAsync()).ShouldNotContain(a.ToString());
        (await ambition.GetAsync($"/api/v3/participant-declarations/{t}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.GetAsync($"/api/v3/participant-declarations/{a}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.VoidsAsync(t)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.VoidsAsync(a)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.GetAsync("/api/v3/participant-declarations/not-an-id")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.VoidsAsync(Guid.CreateVersion7())).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.GetAsync($"/api/v3/participant-declarations/{t}")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_new_provider_sees_the_previous_providers_live_declarations_but_may_not_void_them()
    {
        var jane = await api.TeacherAsync(TeacherRole.Ect, true, (Ambition, Day(2025, 9, 1), Day(2025, 10, 10)), (TeachFirst, Day(2025, 10, 11), null));
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var started = (await ambition.DeclaresAsync(jane, on: Day(2025, 10, 20))).ShouldBe(HttpStatusCode.OK).Id();

        (await teachFirst.GetAsync($"/api/v3/participant-declarations/{started}")).ShouldBe(HttpStatusCode.OK).Attribute("lead_provider_name").ShouldBe("Ambition Institute");
        (await teachFirst.SeesAsync($"&filter[participant_id]={jane}")).ShouldBe([started.ToString()]);
        (await teachFirst.VoidsAsync(started)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.DeclaresAsync(jane, date: "2025-10-15T10:00:00Z", on: Day(2025, 10, 20))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event."));

        (await ambition.VoidsAsync(started, on: Day(2025, 10, 21))).ShouldBe(HttpStatusCode.OK).Attribute("state").ShouldBe("voided");
        // Voided, it is no longer the new provider's concern; the old provider still sees its own.
        (await teachFirst.GetAsync($"/api/v3/participant-declarations/{started}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.SeesAsync($"&filter[participant_id]={jane}")).ShouldBe([started.ToString()]);

        var teachFirsts = (await teachFirst.DeclaresAsync(jane, date: "2025-10-15T10:00:00Z", on: Day(2025, 10, 21))).ShouldBe(HttpStatusCode.OK).Id();
        // Dated after Ambition's training ended: not Ambition's to see.
        (await ambition.GetAsync($"/api/v3/participant-declarations/{teachFirsts}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.SeesAsync($"&filter[participant_id]={jane}")).ShouldBe([started.ToString()]);
    }

    [Fact]
    public async Task voiding_twice_is_refused_the_second_time()
    {
        var jane = await api.EctAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var created = (await ambition.DeclaresAsync(jane)).ShouldBe(HttpStatusCode.OK);

        var voided = (await ambition.VoidsAsync(created.Id())).ShouldBe(HttpStatusCode.OK);
        voided.Attribute("state").ShouldBe("voided");
        voided["data"]["attributes"]!["statement_id"].ShouldBeNull();
        string.CompareOrdinal(voided.Attribute("updated_at"), created.Attribute("updated_at")).ShouldBeGreaterThanOrEqualTo(0);
        (await ambition.VoidsAsync(created.Id())).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_declaration_id", "The declaration has already been voided."));
        // Voided, it no longer blocks a new declaration of the type.
        (await ambition.DeclaresAsync(jane)).ShouldBe(HttpStatusCode.OK);
    }
}
