using System.Text.Json.Nodes;
using Npgsql;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.Reference;
using RegisterEcts.Api.Teachers;
using RegisterEcts.Declarations;
using RegisterEcts.EventStore;
using RegisterEcts.Partnerships;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>
/// PUT /participants/{id}/defer | resume | withdraw | change-schedule (rect-api-v3 §4.1–§4.4). The domain
/// commands carry the reference's titles and details, which the group filter answers as the v3 422. The answer
/// is the participant as GET /participants/{id} shows it, from the row projected in the same transaction.
/// </summary>
internal static class ParticipantActionEndpoints
{
    public static RouteGroupBuilder MapParticipantActions(this RouteGroupBuilder v3)
    {
        var participants = v3.MapGroup("/participants").WithTags("Participants");
        participants.MapPut("/{id}/defer", DeferAsync).WithName("V3DeferParticipant")
            .WithSummary("Pause this provider's latest training for the course (body: reason, course_identifier)")
            .Accepts<V3Document<V3Request<DeferRequest>>>("application/json").WithActionResponses();
        participants.MapPut("/{id}/resume", ResumeAsync).WithName("V3ResumeParticipant")
            .WithSummary("Resume deferred or withdrawn training from today (body: course_identifier)")
            .Accepts<V3Document<V3Request<ResumeRequest>>>("application/json").WithActionResponses();
        participants.MapPut("/{id}/withdraw", WithdrawAsync).WithName("V3WithdrawParticipant")
            .WithSummary("Stop this provider's latest training for the course (body: reason, course_identifier)")
            .Accepts<V3Document<V3Request<WithdrawRequest>>>("application/json").WithActionResponses();
        participants.MapPut("/{id}/change-schedule", ChangeScheduleAsync).WithName("V3ChangeParticipantSchedule")
            .WithSummary("Move the training onto another schedule, and maybe another cohort (body: schedule_identifier, course_identifier, cohort)")
            .Accepts<V3Document<V3Request<ChangeScheduleRequest>>>("application/json").WithActionResponses();
        return v3;
    }

    private static RouteHandlerBuilder WithActionResponses(this RouteHandlerBuilder route) =>
        route.Produces<V3Document<V3Resource<JsonObject>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest)
            .Produces<V3Errors>(StatusCodes.Status404NotFound).Produces<V3Errors>(StatusCodes.Status409Conflict)
            .Produces<V3Errors>(StatusCodes.Status422UnprocessableEntity);

    private static Task<IResult> DeferAsync(string id, HttpContext http, PostgresEventStore store, RequestClock clock, CancellationToken ct) =>
        ActAsync(id, http, store, ct, (a, teacher, leadProvider) => Task.FromResult(DeferTraining.Decide(
            new DeferTraining(teacher.Id, leadProvider, V3Body.Text(a, "course_identifier"), V3Body.Text(a, "reason"), clock.Today), teacher.State)));

    private static Task<IResult> ResumeAsync(string id, HttpContext http, PostgresEventStore store, RequestClock clock, CancellationToken ct) =>
        ActAsync(id, http, store, ct, (a, teacher, leadProvider) => Task.FromResult(ResumeTraining.Decide(
            new ResumeTraining(teacher.Id, leadProvider, V3Body.Text(a, "course_identifier"), clock.Today), teacher.State)));

    private static Task<IResult> WithdrawAsync(string id, HttpContext http, PostgresEventStore store, RequestClock clock, CancellationToken ct) =>
        ActAsync(id, http, store, ct, (a, teacher, leadProvider) => Task.FromResult(WithdrawTraining.Decide(
            new WithdrawTraining(teacher.Id, leadProvider, V3Body.Text(a, "course_identifier"), V3Body.Text(a, "reason"), clock.Today), teacher.State)));

    private static Task<IResult> ChangeScheduleAsync(
        string id, HttpContext http, PostgresEventStore store, ReferenceCache references, RequestClock clock, CancellationToken ct) =>
        ActAsync(id, http, store, ct, async (a, teacher, leadProvider) =>
        {
            var reference = await references.GetAsync(ct);
            var partnerships = new List<SchoolPartnership>();
            foreach (var school in teacher.State.TrainingPeriods.Select(p => p.SchoolId).Distinct())
                partnerships.AddRange(await PartnershipListProjection.ForSchoolAsync(store.DataSource, school, ct));
            var declarations = await DeclarationsProjection.ForTeacherAsync(store.DataSource, teacher.Id, ct);
            var command = new ChangeSchedule(teacher.Id, leadProvider, V3Body.Text(a, "course_identifier"), V3Body.Text(a, "schedule_identifier"),
                Cohort(a), partnerships, declarations, clock.Today);
            return ChangeSchedule.Decide(command, teacher.State, reference);
        });

    /// A cohort that is not a year is one nobody has a partnership in, so it gets the reference's cohort refusal.
    private static int? Cohort(JsonObject attributes)
    {
        if (V3Body.Text(attributes, "cohort") is { } text) return int.TryParse(text, out var year) ? year : 0;
        // Absent, null or blank keeps the training's cohort. An array, object or boolean is not an omission: it was read as
        // one and changed the schedule without a word (found by the malformed-input test); now it is a cohort nobody has.
        return attributes["cohort"] is null || attributes["cohort"]!.GetValueKind() == System.Text.Json.JsonValueKind.String ? null : 0;
    }

    /// Body (400) before visibility (404), as in the reference; then Decide (422) and an append at the version read (409).
    private static async Task<IResult> ActAsync(
        string id, HttpContext http, PostgresEventStore store, CancellationToken ct,
        Func<JsonObject, LoadedTeacher, Guid, Task<IReadOnlyList<object>>> decide)
    {
        var attributes = await V3Body.AttributesAsync(http.Request, ct);
        var leadProvider = V3.LeadProviderOf(http);
        if (!Guid.TryParse(id, out var teacherId) || await ParticipantEndpoints.Documents.FindAsync(store, leadProvider, teacherId, ct) is null) throw V3Exception.NotFound();
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var events = await decide(attributes, teacher, leadProvider);
        await TeacherStreams.AppendAsync(store, events, Scopes.ContextOf(http.User, http), ct, teacher);
        return V3.One(ParticipantEndpoints.Type, teacherId, (await ParticipantEndpoints.Documents.FindAsync(store, leadProvider, teacherId, ct))!);
    }
}

public sealed record DeferRequest(string Reason, string CourseIdentifier);

public sealed record ResumeRequest(string CourseIdentifier);

public sealed record WithdrawRequest(string Reason, string CourseIdentifier);

// Cohort is optional (rect-api-v3 §4.4: omitted, the training keeps its cohort); the default keeps it out of the
// document's "required" list, which said otherwise (found by the malformed-input test).
public sealed record ChangeScheduleRequest(string ScheduleIdentifier, string CourseIdentifier, string? Cohort = null);
