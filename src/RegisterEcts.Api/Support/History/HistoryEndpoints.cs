using Microsoft.AspNetCore.Mvc;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;

namespace RegisterEcts.Api.Support.History;

/// <summary>Support's read side: find a teacher, read their timeline, their state on any date as known at any time, and what changed.</summary>
internal static class HistoryEndpoints
{
    public static IEndpointRouteBuilder MapSupportHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        var teachers = app.MapGroup("/api/support/teachers").WithTags("Support").RequireAuthorization()
            .AddEndpointFilter((context, next) => Scopes.Of(context.HttpContext.User) is "support" or "admin"
                ? next(context)
                : throw HttpProblem.Forbidden("Only a support or admin token may read teachers' history"))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesValidationProblem();
        teachers.MapGet("", Search).WithName("SearchTeachers")
            .WithSummary("Find teachers by TRN, name, email or the URN of a school they are or were at").Produces<IReadOnlyList<TeacherMatch>>();
        teachers.MapGet("/{teacher_id:guid}/timeline", Timeline).WithName("TeacherTimeline")
            .WithSummary("A teacher's audit timeline, newest first").Produces<IReadOnlyList<TimelineRow>>().ProducesProblem(StatusCodes.Status404NotFound);
        teachers.MapGet("/{teacher_id:guid}/state", State).WithName("TeacherState")
            .WithSummary("A teacher's periods, statuses and lead provider views on as_of (default today), from what was recorded by known_at (default now)")
            .Produces<TeacherStateResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        teachers.MapGet("/{teacher_id:guid}/changes", Changes).WithName("TeacherChanges")
            .WithSummary("What our records about a teacher changed between two recorded times, field by field")
            .Produces<ChangesResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Search([FromQuery] string? q, TeacherHistory history, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Trim().Length < 2)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Enter at least 2 characters: a TRN, a name, an email or a school URN"] },
                title: "The request is not valid");
        return TypedResults.Ok(await TeacherSearch.FindAsync(history.Store.DataSource, q, ct));
    }

    private static async Task<IResult> Timeline([FromRoute(Name = "teacher_id")] Guid teacherId, TeacherHistory history, CancellationToken ct) =>
        TypedResults.Ok(await history.TimelineAsync(teacherId, ct));

    private static async Task<IResult> State([FromRoute(Name = "teacher_id")] Guid teacherId, [FromQuery(Name = "as_of")] string? asOf,
        [FromQuery(Name = "known_at")] string? knownAt, TeacherHistory history, RequestClock clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var date = TeacherHistory.ParseDate(asOf, "as_of", errors);
        var instant = TeacherHistory.ParseInstant(knownAt, "known_at", errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The request is not valid");
        return TypedResults.Ok(await history.StateAsync(teacherId, date ?? clock.Today, instant, ct));
    }

    private static async Task<IResult> Changes([FromRoute(Name = "teacher_id")] Guid teacherId, [FromQuery] string? from, [FromQuery] string? to,
        TeacherHistory history, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var start = TeacherHistory.ParseInstant(from, "from", errors);
        var end = TeacherHistory.ParseInstant(to, "to", errors);
        if (start is null && !errors.ContainsKey("from")) errors["from"] = ["from is required: the earlier recorded time"];
        if (start is { } s && end is { } e && e < s) errors["to"] = ["to must not be before from"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The request is not valid");
        return TypedResults.Ok(await history.ChangesAsync(teacherId, start!.Value, end ?? history.Now, ct));
    }
}
