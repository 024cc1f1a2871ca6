using System.Net;
using System.Text.Json.Nodes;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// <summary>A lead provider's participant actions, in the reference's request bodies.</summary>
public static class ParticipantActionCalls
{
    public const string EctCourse = "ecf-induction";

    public static Task<Reply> DefersAsync(this LeadProviderClient lp, Guid teacher, string? reason = "bereavement", string? course = EctCourse, DateOnly? on = null, string? key = null) =>
        lp.PutAsync($"/api/v3/participants/{teacher}/defer", Body("participant-defer", ("reason", reason), ("course_identifier", course)), on, key);

    public static Task<Reply> WithdrawsAsync(this LeadProviderClient lp, Guid teacher, string? reason = "moved-school", string? course = EctCourse, DateOnly? on = null) =>
        lp.PutAsync($"/api/v3/participants/{teacher}/withdraw", Body("participant-withdraw", ("reason", reason), ("course_identifier", course)), on);

    public static Task<Reply> ResumesAsync(this LeadProviderClient lp, Guid teacher, string? course = EctCourse, DateOnly? on = null) =>
        lp.PutAsync($"/api/v3/participants/{teacher}/resume", Body("participant-resume", ("course_identifier", course)), on);

    public static Task<Reply> ChangesScheduleAsync(this LeadProviderClient lp, Guid teacher, string? schedule, string? course = EctCourse, string? cohort = null, DateOnly? on = null) =>
        lp.PutAsync($"/api/v3/participants/{teacher}/change-schedule",
            Body("participant-change-schedule", ("schedule_identifier", schedule), ("course_identifier", course), ("cohort", cohort)), on);

    private static string Body(string type, params (string Name, string? Value)[] attributes)
    {
        var json = new JsonObject();
        foreach (var (name, value) in attributes)
            if (value is not null) json[name] = value;
        return LeadProviderClient.Body(type, json);
    }

    /// The ECT enrolment of a participant document (GET /participants/{id}).
    public static JsonNode EctEnrolment(this Reply reply) =>
        reply["data"]["attributes"]!["ecf_enrolments"]!.AsArray().Single(e => e!["participant_type"]!.GetValue<string>() == "ect")!;

    public static string Ect(this Reply reply, string field) => reply.EctEnrolment()[field]?.ToString() ?? "null";

    /// An ECT at a fresh school partnered with the provider for 2025.
    public static async Task<(Guid Ect, SchoolTutor School, string Trn)> EctTrainedByAsync(
        this ApiWithLeadProviders api, Guid leadProvider, DateOnly? startedOn = null, DateOnly? registeredOn = null)
    {
        var urn = await api.UrnOfAsync(await api.FreshSchoolAsync());
        await api.PartnershipOnceAsync(urn, leadProvider, 2025, Day(2025, 6, 10));
        var school = await api.SchoolAsync(urn);
        var trn = Trns.Next();
        var start = startedOn ?? Day(2025, 9, 1);
        var ect = (await school.RegistersEctAsync(trn, start, on: registeredOn ?? (start < Day(2025, 10, 1) ? start : Day(2025, 10, 1)), leadProvider: leadProvider))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        return (ect, school, trn);
    }
}

public class the_v3_participant_actions(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    private static readonly (string, string) NotFound = ("Resource not found", "Nothing could be found for the provided details");
    private static readonly (string, string) Malformed = ("Bad request", "Correct json data structure required. See API docs for reference.");
    private static readonly (string, string) CourseMissing = ("course_identifier", "Enter a '#/course_identifier'.");
    private static readonly (string, string) CourseUnknown =
        ("course_identifier", "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again.");
    private static readonly (string, string) ReasonMissing = ("reason", "Enter a '#/reason'.");
    private static readonly (string, string) ReasonUnknown = ("reason", "The entered '#/reason' is not recognised for the given participant. Check details and try again.");
    private static readonly (string, string) TodayRefused = ("participant_id",
        "You cannot defer or withdraw this participant today. You need to try again tomorrow as the training was recently changed for this participant.");

    [Fact]
    public async Task deferring_answers_the_participant_as_get_shows_it_with_the_training_deferred()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var before = (await ambition.GetAsync($"/api/v3/participants/{ect}")).ShouldBe(HttpStatusCode.OK);

        var deferred = (await ambition.DefersAsync(ect, "long-term-sickness")).ShouldBe(HttpStatusCode.OK);

        deferred["data"]["type"]!.GetValue<string>().ShouldBe("participant");
        deferred.Id().ShouldBe(ect);
        deferred.Ect("training_status").ShouldBe("deferred");
        DateTimeOffset.Parse(deferred.Attribute("updated_at")).ShouldBeGreaterThan(DateTimeOffset.Parse(before.Attribute("updated_at")));
        var shown = (await ambition.GetAsync($"/api/v3/participants/{ect}")).ShouldBe(HttpStatusCode.OK);
        shown["data"].ToJsonString().ShouldBe(deferred["data"].ToJsonString());
    }

    [Fact]
    public async Task deferring_refuses_every_rule_in_the_references_words()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.DefersAsync(ect, course: null)).ShouldBeError(HttpStatusCode.UnprocessableEntity, CourseMissing);
        (await ambition.DefersAsync(ect, course: "ecf-mentor")).ShouldBeError(HttpStatusCode.UnprocessableEntity, CourseUnknown);
        (await ambition.DefersAsync(ect, course: "npq-leading-teaching")).ShouldBeError(HttpStatusCode.UnprocessableEntity, CourseUnknown);
        (await ambition.DefersAsync(ect, reason: null)).ShouldBeError(HttpStatusCode.UnprocessableEntity, ReasonMissing);
        (await ambition.DefersAsync(ect, reason: "long_term_sickness")).ShouldBeError(HttpStatusCode.UnprocessableEntity, ReasonUnknown);
        (await ambition.DefersAsync(ect)).ShouldBe(HttpStatusCode.OK);
        (await ambition.DefersAsync(ect)).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("participant_id", "The '#/participant_id' is already deferred."));

        var (withdrawn, _, _) = await api.EctTrainedByAsync(Ambition);
        (await ambition.WithdrawsAsync(withdrawn)).ShouldBe(HttpStatusCode.OK);
        (await ambition.DefersAsync(withdrawn)).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("participant_id", "The '#/participant_id' is already withdrawn."));

        var (joining, _, _) = await api.EctTrainedByAsync(Ambition, startedOn: Day(2025, 11, 3));
        (await ambition.DefersAsync(joining)).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "You cannot defer #/participant_id. This is because they have not been training with you for at least one day."));

        var (startedToday, _, _) = await api.EctTrainedByAsync(Ambition, startedOn: ApiWithLeadProviders.Today);
        (await ambition.DefersAsync(startedToday)).ShouldBeError(HttpStatusCode.UnprocessableEntity, TodayRefused);
    }

    [Fact]
    public async Task withdrawing_refuses_every_rule_in_the_references_words_and_takes_a_deferred_participant()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.WithdrawsAsync(ect, course: null)).ShouldBeError(HttpStatusCode.UnprocessableEntity, CourseMissing);
        (await ambition.WithdrawsAsync(ect, reason: null)).ShouldBeError(HttpStatusCode.UnprocessableEntity, ReasonMissing);
        (await ambition.WithdrawsAsync(ect, reason: "moved_school")).ShouldBeError(HttpStatusCode.UnprocessableEntity, ReasonUnknown);
        (await ambition.WithdrawsAsync(ect, reason: "mentor-no-longer-being-mentor")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("reason", "You cannot withdraw an ECT for this reason. The ECT is not a mentor."));
        (await ambition.DefersAsync(ect, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        var withdrawn = (await ambition.WithdrawsAsync(ect, "left-teaching-profession", on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.OK);
        withdrawn.Ect("training_status").ShouldBe("withdrawn");
        (await ambition.WithdrawsAsync(ect, on: Day(2025, 10, 3))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "The '#/participant_id' is already withdrawn."));

        var (joining, _, _) = await api.EctTrainedByAsync(Ambition, startedOn: Day(2025, 11, 3));
        (await ambition.WithdrawsAsync(joining)).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "You cannot withdraw #/participant_id. This is because they have not been training with you for at least one day."));
        var (startedToday, _, _) = await api.EctTrainedByAsync(Ambition, startedOn: ApiWithLeadProviders.Today);
        (await ambition.WithdrawsAsync(startedToday)).ShouldBeError(HttpStatusCode.UnprocessableEntity, TodayRefused);
    }

    [Fact]
    public async Task resuming_refuses_every_rule_in_the_references_words()
    {
        var (ect, school, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.ResumesAsync(ect, course: null)).ShouldBeError(HttpStatusCode.UnprocessableEntity, CourseMissing);
        (await ambition.ResumesAsync(ect)).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("participant_id", "The '#/participant_id' is already active."));
        (await ambition.DefersAsync(ect, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        (await ambition.ResumesAsync(ect, on: Day(2025, 10, 1))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "You cannot resume a participant on the same day they were withdrawn or deferred. Resume them tomorrow or later."));

        (await school.ReportsEctLeavingAsync(ect, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await ambition.ResumesAsync(ect, on: Day(2025, 12, 31))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "The participant is no longer at the school. Please contact the induction tutor to resolve."));
    }

    [Fact]
    public async Task changing_the_schedule_refuses_every_rule_in_the_references_words()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var current = (await ambition.GetAsync($"/api/v3/participants/{ect}")).Ect("schedule_identifier");

        (await ambition.ChangesScheduleAsync(ect, "ecf-extended-september", course: null)).ShouldBeError(HttpStatusCode.UnprocessableEntity, CourseMissing);
        (await ambition.ChangesScheduleAsync(ect, null)).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("schedule_identifier", "The property '#/schedule_identifier' must be present and correspond to a valid schedule."));
        (await ambition.ChangesScheduleAsync(ect, "ecf-sometimes")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("schedule_identifier", "Enter a valid schedule identifier."));
        (await ambition.ChangesScheduleAsync(ect, current)).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("schedule_identifier", "Selected schedule is already on the profile"));
        (await ambition.ChangesScheduleAsync(ect, "ecf-replacement-september")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("schedule_identifier", "Selected schedule is not valid for the course_identifier"));
        var noPartnership = ("cohort",
            "You cannot change a participant to this contract_period as you do not have a partnership with the school for the contract_period. Contact the DfE for assistance.");
        (await ambition.ChangesScheduleAsync(ect, "ecf-extended-september", cohort: "2024")).ShouldBeError(HttpStatusCode.UnprocessableEntity, noPartnership);
        (await ambition.ChangesScheduleAsync(ect, "ecf-extended-september", cohort: "someday")).ShouldBeError(HttpStatusCode.UnprocessableEntity, noPartnership);

        (await ambition.DefersAsync(ect, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        (await ambition.ChangesScheduleAsync(ect, "ecf-extended-september", on: Day(2025, 10, 2))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "You cannot change this participant's schedule. This is because the participant has a 'left' participant_status, so they are not training with you currently."));
    }

    [Fact]
    public async Task a_mentor_is_acted_on_through_the_mentor_course_only()
    {
        var urn = await api.UrnOfAsync(await api.FreshSchoolAsync());
        await api.PartnershipOnceAsync(urn, Ambition, 2025, Day(2025, 6, 10));
        var school = await api.SchoolAsync(urn);
        var mentor = (await school.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.DefersAsync(mentor, course: "ecf-induction")).ShouldBeError(HttpStatusCode.UnprocessableEntity, CourseUnknown);
        (await ambition.ChangesScheduleAsync(mentor, "ecf-reduced-september", course: "ecf-mentor")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("schedule_identifier", "Mentors cannot be placed on a reduced schedule. Assign them to a different schedule."));

        var withdrawn = (await ambition.WithdrawsAsync(mentor, "mentor-no-longer-being-mentor", course: "ecf-mentor")).ShouldBe(HttpStatusCode.OK);
        withdrawn["data"]["attributes"]!["ecf_enrolments"]!.AsArray().Single(e => e!["participant_type"]!.GetValue<string>() == "mentor")!
            ["training_status"]!.GetValue<string>().ShouldBe("withdrawn");
    }

    [Fact]
    public async Task an_ect_who_passed_induction_cannot_change_schedule()
    {
        var (ect, _, trn) = await api.EctTrainedByAsync(Ambition);
        var body = await api.AppropriateBodyAsync(Kingfisher);
        (await body.ClaimsAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.OK);
        (await body.RecordsOutcomeAsync(ect, "pass", Day(2026, 7, 17), 3, on: Day(2026, 7, 20))).ShouldBe(HttpStatusCode.OK);
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.ChangesScheduleAsync(ect, "ecf-extended-september", on: Day(2026, 7, 21))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "You cannot change this participant's schedule as they have completed their training or induction."));
    }

    [Fact]
    public async Task a_malformed_body_is_400_before_an_unknown_participant_is_404()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        foreach (var action in new[] { "defer", "resume", "withdraw", "change-schedule" })
        {
            (await ambition.PutAsync($"/api/v3/participants/{ect}/{action}", """{"reason":"bereavement"}""")).ShouldBeError(HttpStatusCode.BadRequest, Malformed);
            (await ambition.PutAsync($"/api/v3/participants/{Guid.NewGuid()}/{action}", """{"data":[]}""")).ShouldBeError(HttpStatusCode.BadRequest, Malformed);
            (await ambition.PutAsync($"/api/v3/participants/{ect}/{action}", "not json")).ShouldBeError(HttpStatusCode.BadRequest, Malformed);
            (await ambition.PutAsync($"/api/v3/participants/{Guid.NewGuid()}/{action}", """{"data":{"attributes":{}}}""")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
            (await ambition.PutAsync($"/api/v3/participants/not-an-id/{action}", """{"data":{"attributes":{}}}""")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        }
        (await ambition.GetAsync($"/api/v3/participants/{ect}")).Ect("training_status").ShouldBe("active");
    }

    [Fact]
    public async Task a_provider_cannot_act_on_another_providers_participant_either_way()
    {
        var (ambitions, _, _) = await api.EctTrainedByAsync(Ambition);
        var (teachFirsts, _, _) = await api.EctTrainedByAsync(TeachFirst);
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var events = await api.EventCountAsync();

        (await ambition.DefersAsync(teachFirsts)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.WithdrawsAsync(teachFirsts)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.ResumesAsync(teachFirsts)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.ChangesScheduleAsync(teachFirsts, "ecf-extended-september")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.DefersAsync(ambitions)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.WithdrawsAsync(ambitions)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.ResumesAsync(ambitions)).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.ChangesScheduleAsync(ambitions, "ecf-extended-september")).ShouldBeError(HttpStatusCode.NotFound, NotFound);

        (await api.EventCountAsync()).ShouldBe(events);
        (await ambition.GetAsync($"/api/v3/participants/{ambitions}")).Ect("training_status").ShouldBe("active");
        (await teachFirst.GetAsync($"/api/v3/participants/{teachFirsts}")).Ect("training_status").ShouldBe("active");
        (await teachFirst.DefersAsync(teachFirsts)).ShouldBe(HttpStatusCode.OK);
        (await ambition.GetAsync($"/api/v3/participants/{teachFirsts}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
    }

    [Fact]
    public async Task a_retried_put_with_the_same_idempotency_key_is_answered_once_and_changes_nothing_more()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var key = Guid.NewGuid().ToString();

        var first = (await ambition.DefersAsync(ect, key: key)).ShouldBe(HttpStatusCode.OK);
        var events = await api.EventCountAsync();
        var retry = (await ambition.DefersAsync(ect, key: key)).ShouldBe(HttpStatusCode.OK);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        (await api.EventCountAsync()).ShouldBe(events);
        (await ambition.DefersAsync(ect, key: Guid.NewGuid().ToString())).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "The '#/participant_id' is already deferred."));
    }

    [Fact]
    public async Task an_action_without_a_lead_provider_token_is_refused_with_the_v3_401()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var anonymous = new LeadProviderClient(api.CreateClient(), null);

        var reply = await anonymous.DefersAsync(ect);

        reply.ShouldBe(HttpStatusCode.Unauthorized);
        reply["error"].GetValue<string>().ShouldBe("HTTP Token: Access denied");
    }
}
