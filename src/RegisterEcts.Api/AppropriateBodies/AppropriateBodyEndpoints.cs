using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.Reference;
using RegisterEcts.Api.Teachers;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using RegisterEcts.Teachers.TrnIndex;

namespace RegisterEcts.Api.AppropriateBodies;

public sealed record ClaimInductionRequest(string Trn, DateOnly StartedOn, TrainingProgramme InductionProgramme);

public sealed record OutcomeRequest(InductionOutcome Outcome, DateOnly FinishedOn, decimal NumberOfTerms, DateOnly? FailConfirmationSentOn = null);

public sealed record ReleaseRequest(DateOnly FinishedOn, decimal NumberOfTerms);

public sealed record ExtensionRequest(decimal NumberOfTerms);

/// <summary>What an appropriate body does: claim an ECT's induction, record its outcome, release it, extend it.</summary>
internal static class AppropriateBodyEndpoints
{
    private static readonly Dictionary<string, string> FieldNames = new() { ["Programme"] = "induction_programme" };

    public static IEndpointRouteBuilder MapAppropriateBodyEndpoints(this IEndpointRouteBuilder app)
    {
        var body = app.MapGroup("/api/appropriate-bodies/{id:guid}/inductions").WithTags("Appropriate bodies").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        body.MapPost("", Claim).WithName("ClaimInduction").WithSummary("Claim a registered teacher's induction, by TRN").Produces<TeacherResponse>();
        body.MapPost("/{teacher_id:guid}/outcome", Outcome).WithName("RecordInductionOutcome")
            .WithSummary("Record a pass or fail; the ECT's school, training and mentorship periods finish").Produces<TeacherResponse>();
        body.MapPost("/{teacher_id:guid}/release", Release).WithName("ReleaseInduction").WithSummary("Release the induction without an outcome").Produces<TeacherResponse>();
        body.MapPost("/{teacher_id:guid}/extensions", Extension).WithName("AddInductionExtension").WithSummary("Extend the induction by a number of terms").Produces<TeacherResponse>();
        return app;
    }

    private static async Task<IResult> Claim(Guid id, ClaimInductionRequest body, ClaimsPrincipal user, PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        Scopes.AppropriateBody(user, id);
        if (!Trn.TryParse(body.Trn, out var trn, out var error))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["trn"] = [error!] }, title: "The request is not valid");
        var teacherId = await TrnIndexProjection.FindTeacherAsync(store.DataSource, trn.Value, ct)
            ?? throw HttpProblem.NotFound($"No teacher with TRN {trn.Value} has been registered by a school", "teacher_not_found");
        var command = new ClaimInduction(teacherId, id, body.StartedOn, body.InductionProgramme, clock.Today);
        if (Validation.Problem(new ClaimInduction.Validator(), command, FieldNames) is { } invalid) return invalid;
        var reference = await references.GetAsync(ct);
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, ClaimInduction.Decide(command, teacher.State, reference), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state));
    }

    private static async Task<IResult> Outcome(Guid id, [FromRoute(Name = "teacher_id")] Guid teacherId, OutcomeRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        Scopes.AppropriateBody(user, id);
        var command = new RecordInductionOutcome(teacherId, id, body.Outcome, body.FinishedOn, body.NumberOfTerms, body.FailConfirmationSentOn, clock.Today);
        if (Validation.Problem(new RecordInductionOutcome.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, RecordInductionOutcome.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state));
    }

    private static async Task<IResult> Release(Guid id, [FromRoute(Name = "teacher_id")] Guid teacherId, ReleaseRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        Scopes.AppropriateBody(user, id);
        var command = new ReleaseInduction(teacherId, id, body.FinishedOn, body.NumberOfTerms, clock.Today);
        if (Validation.Problem(new ReleaseInduction.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, ReleaseInduction.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state));
    }

    private static async Task<IResult> Extension(Guid id, [FromRoute(Name = "teacher_id")] Guid teacherId, ExtensionRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        Scopes.AppropriateBody(user, id);
        var command = new AddInductionExtension(teacherId, id, body.NumberOfTerms, clock.Today);
        if (Validation.Problem(new AddInductionExtension.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, AddInductionExtension.Decide(command, teacher.State), Scopes.ContextOf(user, http), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state));
    }
}
