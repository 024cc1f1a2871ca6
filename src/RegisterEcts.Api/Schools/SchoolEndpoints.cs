using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.Reference;
using RegisterEcts.Api.Teachers;
using RegisterEcts.EventStore;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using RegisterEcts.Teachers.AtSchoolPeriods;
using RegisterEcts.Teachers.TrnIndex;

namespace RegisterEcts.Api.Schools;

// Optional fields have defaults: JSON requires every constructor parameter that has none.
public sealed record RegisterEctRequest(
    string Trn, string Name, DateOnly StartedOn, WorkingPattern WorkingPattern, Guid AppropriateBodyId,
    TrainingProgramme TrainingProgramme, Guid? LeadProviderId = null, string? Email = null);

public sealed record RegisterMentorRequest(
    string Trn, string Name, string? Email = null, DateOnly? StartedOn = null, Guid? LeadProviderId = null, bool? MentoringAtThisSchoolOnly = null);

public sealed record LeavingRequest(DateOnly LeftOn);

public sealed record TrainingProgrammeRequest(TrainingProgramme TrainingProgramme, Guid? LeadProviderId = null);

public sealed record LeadProviderRequest(Guid LeadProviderId);

public sealed record MentorRequest(Guid MentorTeacherId);

public sealed record EmailRequest(string Email);

public sealed record WorkingPatternRequest(WorkingPattern WorkingPattern);

public sealed record NameRequest(string Name);

public sealed record SchoolTeacherPeriod(
    Guid TeacherId, string Trn, string Name, int PeriodId, DateOnly StartedOn, DateOnly? FinishedOn, string? Email,
    WorkingPattern? WorkingPattern, Guid? AppropriateBodyId, TrainingProgramme? TrainingProgramme, Guid? LeadProviderId, Guid? MentorTeacherId);

public sealed record SchoolTeachersResponse(int Urn, string Name, IReadOnlyList<SchoolTeacherPeriod> Ects, IReadOnlyList<SchoolTeacherPeriod> Mentors);

/// <summary>What a school's induction tutor does: register ECTs and mentors, report leavers, change training, assign mentors.</summary>
internal static class SchoolEndpoints
{
    private static readonly Dictionary<string, string> FieldNames = new()
    {
        ["Programme"] = "training_programme", ["LeavingOn"] = "left_on", ["MentorId"] = "mentor_teacher_id",
    };

    public static IEndpointRouteBuilder MapSchoolEndpoints(this IEndpointRouteBuilder app)
    {
        var school = app.MapGroup("/api/schools/{urn:int}").WithTags("Schools").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        school.MapGet("/teachers", Teachers).WithName("GetSchoolTeachers")
            .WithSummary("The school's current and past ECTs and mentors, one row per period at the school")
            .Produces<SchoolTeachersResponse>();

        Command(school.MapPost("/ects", RegisterEctAt), "RegisterEct", "Register an ECT by TRN (an ECT at another school is transferred)", StatusCodes.Status201Created);
        Command(school.MapPost("/mentors", RegisterMentorAt), "RegisterMentor", "Register a mentor by TRN", StatusCodes.Status201Created);
        Command(school.MapPost("/ects/{teacher_id:guid}/leaving", EctLeaving), "ReportEctLeaving", "Report an ECT's last day at the school");
        Command(school.MapPost("/mentors/{teacher_id:guid}/leaving", MentorLeaving), "ReportMentorLeaving", "Report a mentor's last day at the school");
        Command(school.MapPost("/ects/{teacher_id:guid}/training-programme", TrainingProgrammeOf), "ChangeTrainingProgramme", "Switch an ECT between provider-led and school-led training");
        Command(school.MapPost("/ects/{teacher_id:guid}/lead-provider", (int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, LeadProviderRequest body, ClaimsPrincipal user,
            PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct) =>
                LeadProvider(TeacherRole.Ect, urn, teacherId, body, user, store, references, clock, http, ct)),
            "ChangeEctLeadProvider", "Change the lead provider training an ECT");
        Command(school.MapPost("/mentors/{teacher_id:guid}/lead-provider", (int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, LeadProviderRequest body, ClaimsPrincipal user,
            PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct) =>
                LeadProvider(TeacherRole.Mentor, urn, teacherId, body, user, store, references, clock, http, ct)),
            "ChangeMentorLeadProvider", "Change the lead provider training a mentor");
        Command(school.MapPost("/ects/{teacher_id:guid}/mentor", Mentor), "AssignMentor", "Assign a mentor to an ECT, or switch to another");
        Command(school.MapPost("/teachers/{teacher_id:guid}/email", Email), "ChangeEmail", "Change the email the school holds for a teacher");
        Command(school.MapPost("/teachers/{teacher_id:guid}/working-pattern", WorkingPatternOf), "ChangeWorkingPattern", "Change an ECT's working pattern");
        Command(school.MapPost("/teachers/{teacher_id:guid}/name", Name), "CorrectName", "Correct a teacher's name");
        return app;
    }

    private static void Command(RouteHandlerBuilder route, string name, string summary, int success = StatusCodes.Status200OK) =>
        route.WithName(name).WithSummary(summary)
            .Produces<TeacherResponse>(success).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> Teachers(int urn, ClaimsPrincipal user, PostgresEventStore store, CancellationToken ct)
    {
        var school = await Scopes.SchoolAsync(user, store, urn, ct);
        var rows = await AtSchoolPeriodsProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct);
        SchoolTeacherPeriod Row(AtSchoolPeriodRow r) => new(r.TeacherId, r.Trn, r.Name, r.PeriodId, r.StartedOn, r.FinishedOn, r.Email,
            r.WorkingPattern, r.AppropriateBodyId, r.TrainingProgramme, r.LeadProviderId, r.MentorId);
        return TypedResults.Ok(new SchoolTeachersResponse(school.Urn, school.Name,
            rows.Where(r => r.Role == TeacherRole.Ect).Select(Row).ToList(), rows.Where(r => r.Role == TeacherRole.Mentor).Select(Row).ToList()));
    }

    private static async Task<IResult> RegisterEctAt(int urn, RegisterEctRequest body, ClaimsPrincipal user, PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await Scopes.SchoolAsync(user, store, urn, ct);
        var teacherId = await TeacherIdFor(store, body.Trn, ct);
        var command = new RegisterEct(teacherId, body.Trn, body.Name, body.Email, school.SchoolId, body.StartedOn, body.WorkingPattern, body.AppropriateBodyId, school.Independent,
            body.TrainingProgramme, body.LeadProviderId, await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct), clock.Today);
        if (Validation.Problem(new RegisterEct.Validator(), command, FieldNames) is { } invalid) return invalid;
        var reference = await references.GetAsync(ct);
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, RegisterEct.Decide(command, teacher.State, reference), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Created($"/api/schools/{urn}/teachers/{teacherId}", TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> RegisterMentorAt(int urn, RegisterMentorRequest body, ClaimsPrincipal user, PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await Scopes.SchoolAsync(user, store, urn, ct);
        var teacherId = await TeacherIdFor(store, body.Trn, ct);
        var command = new RegisterMentor(teacherId, body.Trn, body.Name, body.Email, school.SchoolId, body.StartedOn, body.MentoringAtThisSchoolOnly ?? false,
            body.LeadProviderId, await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct), clock.Today);
        if (Validation.Problem(new RegisterMentor.Validator(), command, FieldNames) is { } invalid) return invalid;
        var reference = await references.GetAsync(ct);
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, RegisterMentor.Decide(command, teacher.State, reference), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Created($"/api/schools/{urn}/teachers/{teacherId}", TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> EctLeaving(int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, LeavingRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var command = new ReportEctLeaving(teacherId, school.SchoolId, body.LeftOn, clock.Today);
        if (Validation.Problem(new ReportEctLeaving.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, ReportEctLeaving.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> MentorLeaving(int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, LeavingRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var command = new ReportMentorLeaving(teacherId, school.SchoolId, body.LeftOn, clock.Today);
        if (Validation.Problem(new ReportMentorLeaving.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, ReportMentorLeaving.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> TrainingProgrammeOf(int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, TrainingProgrammeRequest body, ClaimsPrincipal user,
        PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var command = new ChangeTrainingProgramme(teacherId, school.SchoolId, body.TrainingProgramme, body.LeadProviderId,
            await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct), clock.Today);
        if (Validation.Problem(new ChangeTrainingProgramme.Validator(), command, FieldNames) is { } invalid) return invalid;
        var reference = await references.GetAsync(ct);
        // Decide answers "no change" when the programme is already the one asked for, without looking at the lead provider:
        // an id that names no lead provider would be a 200 for a request that cannot be right (found by the malformed-input test).
        if (body.LeadProviderId is { } leadProvider && !reference.LeadProviders.ContainsKey(leadProvider))
            throw new RuleViolation("lead_provider_not_found", $"There is no lead provider {leadProvider}");
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, ChangeTrainingProgramme.Decide(command, teacher.State, reference), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> LeadProvider(TeacherRole role, int urn, Guid teacherId, LeadProviderRequest body, ClaimsPrincipal user,
        PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var command = new ChangeLeadProvider(teacherId, role, school.SchoolId, body.LeadProviderId,
            await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, ct), clock.Today);
        if (Validation.Problem(new ChangeLeadProvider.Validator(), command, FieldNames) is { } invalid) return invalid;
        var reference = await references.GetAsync(ct);
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, ChangeLeadProvider.Decide(command, teacher.State, reference), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> Mentor(int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, MentorRequest body, ClaimsPrincipal user,
        PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var command = new AssignMentor(teacherId, body.MentorTeacherId, school.SchoolId, clock.Today);
        if (Validation.Problem(new AssignMentor.Validator(), command, FieldNames) is { } invalid) return invalid;
        await Scopes.TeacherAtSchoolAsync(user, store, body.MentorTeacherId, school, ct);
        var reference = await references.GetAsync(ct);
        var mentee = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var mentor = await TeacherStreams.LoadAsync(store, body.MentorTeacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, AssignMentor.Decide(command, mentee.State, mentor.State, reference), Scopes.ContextOf(user, http), ct, mentee, mentor);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> Email(int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, EmailRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        // The email belongs to the teacher's time at this school: as an ECT if they are one here, else as a mentor.
        var role = teacher.State.CurrentOrNextEctPeriodAt(school.SchoolId, clock.Today) is not null ? TeacherRole.Ect : TeacherRole.Mentor;
        var command = new ChangeEmail(teacherId, role, school.SchoolId, body.Email, clock.Today);
        if (Validation.Problem(new ChangeEmail.Validator(), command, FieldNames) is { } invalid) return invalid;
        var state = await TeacherStreams.AppendAsync(store, ChangeEmail.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> WorkingPatternOf(int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, WorkingPatternRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var command = new ChangeWorkingPattern(teacherId, school.SchoolId, body.WorkingPattern, clock.Today);
        if (Validation.Problem(new ChangeWorkingPattern.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, ChangeWorkingPattern.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<IResult> Name(int urn, [FromRoute(Name = "teacher_id")] Guid teacherId, NameRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        var school = await SchoolAndTeacher(user, store, urn, teacherId, ct);
        var command = new CorrectName(teacherId, body.Name, clock.Today);
        if (Validation.Problem(new CorrectName.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, CorrectName.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state, school.SchoolId));
    }

    private static async Task<SchoolRow> SchoolAndTeacher(ClaimsPrincipal user, PostgresEventStore store, int urn, Guid teacherId, CancellationToken ct)
    {
        var school = await Scopes.SchoolAsync(user, store, urn, ct);
        await Scopes.TeacherAtSchoolAsync(user, store, teacherId, school, ct);
        return school;
    }

    /// The teacher already holding this TRN, or a new id; an unreadable TRN is left for the validator to reject.
    private static async Task<Guid> TeacherIdFor(PostgresEventStore store, string? trn, CancellationToken ct) =>
        Trn.TryParse(trn, out var parsed, out _) && await TrnIndexProjection.FindTeacherAsync(store.DataSource, parsed.Value, ct) is { } existing
            ? existing
            : Guid.CreateVersion7();
}
