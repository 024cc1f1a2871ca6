using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.Reference;
using RegisterEcts.Api.Teachers;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Support;

/// <summary>Why support changed a record. Both parts are kept in the metadata of every event the change causes.</summary>
public interface ISupportRequest
{
    string? Reason { get; }
    string? SupportTicket { get; }
}

// Reason and ticket have defaults so a missing one is reported by name, as a validation problem.
public sealed record MergeRequest(Guid IntoTeacherId, string? Reason = null, string? SupportTicket = null) : ISupportRequest;

public sealed record EraseRequest(string? Reason = null, string? SupportTicket = null, ErasureReason ErasureReason = ErasureReason.RightToErasure) : ISupportRequest;

public sealed record EctStartDateCorrectionRequest(int SchoolUrn, DateOnly StartedOn, string? Reason = null, string? SupportTicket = null) : ISupportRequest;

public sealed record LeavingDateCorrectionRequest(TeacherRole Role, int SchoolUrn, DateOnly LeftOn, string? Reason = null, string? SupportTicket = null) : ISupportRequest;

/// <summary>What DfE support does to a teacher's record: merge a duplicate, erase personal data, correct dates with a reason.</summary>
internal static class SupportEndpoints
{
    private static readonly Dictionary<string, string> FieldNames = new() { ["SourceTeacherId"] = "teacher_id", ["LeavingOn"] = "left_on" };

    private static readonly SupportRequestValidator Why = new();

    public static IEndpointRouteBuilder MapSupportEndpoints(this IEndpointRouteBuilder app)
    {
        var teacher = app.MapGroup("/api/support/teachers/{teacher_id:guid}").WithTags("Support").RequireAuthorization()
            .AddEndpointFilter((context, next) => Scopes.Of(context.HttpContext.User) is "support" or "admin"
                ? next(context)
                : throw HttpProblem.Forbidden("Only a support or admin token may change records this way"))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        teacher.MapPost("/merge", Merge).WithName("MergeTeachers")
            .WithSummary("Merge a duplicate teacher into the record kept; returns the kept teacher").Produces<TeacherResponse>();
        teacher.MapPost("/erase", Erase).WithName("EraseTeacherPersonalData")
            .WithSummary("Erase a teacher's personal data; their periods and dates stay").Produces<TeacherResponse>();
        teacher.MapPost("/corrections/ect-start-date", EctStartDate).WithName("CorrectEctStartDate")
            .WithSummary("Correct when an ECT started at a school").Produces<TeacherResponse>();
        teacher.MapPost("/corrections/leaving-date", LeavingDate).WithName("CorrectLeavingDate")
            .WithSummary("Correct an ECT's or mentor's reported leaving date at a school").Produces<TeacherResponse>();
        return app;
    }

    private static async Task<IResult> Merge([FromRoute(Name = "teacher_id")] Guid teacherId, MergeRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        if (Validation.Problem(Why, body) is { } missing) return missing;
        var command = new MergeTeachers(teacherId, body.IntoTeacherId, body.Reason!, body.SupportTicket, clock.Today);
        if (Validation.Problem(new MergeTeachers.Validator(), command, FieldNames) is { } invalid) return invalid;
        var source = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var into = await TeacherStreams.LoadAsync(store, body.IntoTeacherId, ct);
        // The kept record is the one support goes on working with, so it comes first and is what is returned.
        var state = await TeacherStreams.AppendAsync(store, MergeTeachers.Decide(command, source.State, into.State), ContextOf(user, http, body), ct, into, source);
        return TypedResults.Ok(TeacherResponse.From(state));
    }

    private static async Task<IResult> Erase([FromRoute(Name = "teacher_id")] Guid teacherId, EraseRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        if (Validation.Problem(Why, body) is { } missing) return missing;
        var command = new EraseTeacherPersonalData(teacherId, body.ErasureReason, clock.Today);
        if (Validation.Problem(new EraseTeacherPersonalData.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        await TeacherStreams.AppendAsync(store, EraseTeacherPersonalData.Decide(command, teacher.State), ContextOf(user, http, body), ct, teacher);
        // After the event, so a failure in between is finished by a retry (Decide then records nothing more).
        await store.EraseSubjectAsync(teacherId, ct);
        // Read back rather than fold: the state in hand still holds the names the key no longer opens.
        var erased = await TeacherStreams.LoadAsync(store, teacherId, ct);
        return TypedResults.Ok(TeacherResponse.From(erased.State));
    }

    private static async Task<IResult> EctStartDate([FromRoute(Name = "teacher_id")] Guid teacherId, EctStartDateCorrectionRequest body, ClaimsPrincipal user,
        PostgresEventStore store, ReferenceCache references, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        if (Validation.Problem(Why, body) is { } missing) return missing;
        var school = await Scopes.SchoolAsync(user, store, body.SchoolUrn, ct);
        var command = new CorrectEctStartDate(teacherId, school.SchoolId, body.StartedOn, body.Reason!, body.SupportTicket, clock.Today);
        if (Validation.Problem(new CorrectEctStartDate.Validator(), command, FieldNames) is { } invalid) return invalid;
        var reference = await references.GetAsync(ct);
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, CorrectEctStartDate.Decide(command, teacher.State, reference), ContextOf(user, http, body), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state));
    }

    private static async Task<IResult> LeavingDate([FromRoute(Name = "teacher_id")] Guid teacherId, LeavingDateCorrectionRequest body, ClaimsPrincipal user,
        PostgresEventStore store, RequestClock clock, HttpContext http, CancellationToken ct)
    {
        if (Validation.Problem(Why, body) is { } missing) return missing;
        var school = await Scopes.SchoolAsync(user, store, body.SchoolUrn, ct);
        var command = new CorrectLeavingDate(teacherId, body.Role, school.SchoolId, body.LeftOn, body.Reason!, body.SupportTicket, clock.Today);
        if (Validation.Problem(new CorrectLeavingDate.Validator(), command, FieldNames) is { } invalid) return invalid;
        var teacher = await TeacherStreams.LoadAsync(store, teacherId, ct);
        var state = await TeacherStreams.AppendAsync(store, CorrectLeavingDate.Decide(command, teacher.State), ContextOf(user, http, body), ct, teacher);
        return TypedResults.Ok(TeacherResponse.From(state));
    }

    private static EventContext ContextOf(ClaimsPrincipal user, HttpContext http, ISupportRequest why) =>
        Scopes.ContextOf(user, http) with { Reason = why.Reason, SupportTicket = why.SupportTicket };

    private sealed class SupportRequestValidator : AbstractValidator<ISupportRequest>
    {
        public const int MaxReasonLength = 2000;
        public const int MaxTicketLength = 100;

        public SupportRequestValidator()
        {
            // Both go into the metadata of every event the change causes: bounded, so a 5 MB reason is a 400, not a 5 MB event
            // on the teacher's stream for ever (found by the malformed-input test).
            RuleFor(r => r.Reason).NotEmpty().WithMessage("Enter a reason")
                .MaximumLength(MaxReasonLength).WithMessage($"Enter a reason of at most {MaxReasonLength} characters");
            RuleFor(r => r.SupportTicket).NotEmpty().WithMessage("Enter the support ticket reference")
                .MaximumLength(MaxTicketLength).WithMessage($"Enter a support ticket reference of at most {MaxTicketLength} characters");
        }
    }
}
