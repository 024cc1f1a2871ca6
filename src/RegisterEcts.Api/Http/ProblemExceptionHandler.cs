using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;

namespace RegisterEcts.Api.Http;

/// <summary>Turns the exceptions that reach the top into RFC 7807 problems with the right status.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    // Decide's "no such record" codes are the caller asking for something that is not there.
    private static readonly HashSet<string> NotFoundCodes = ["teacher_not_found", "school_not_found"];

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail, code) = exception switch
        {
            HttpProblem p => (p.Status, p.Title, p.Message, p.Code),
            RuleViolation r when NotFoundCodes.Contains(r.Code) => (StatusCodes.Status404NotFound, "Not found", r.Message, r.Code),
            RuleViolation r => (StatusCodes.Status422UnprocessableEntity, "The request breaks a rule", r.Message, r.Code),
            // A concurrent change is the caller's to retry, never a server fault.
            StreamConflictException c => (StatusCodes.Status409Conflict, "The record changed while this request was being handled",
                $"Stream {c.StreamId} is at version {c.ActualVersion}, not {c.Expected}. Read it again and retry.", "concurrent_change"),
            // A uniqueness or no-overlap rule of an inline table: another request got there first.
            PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ExclusionViolation } p =>
                (StatusCodes.Status409Conflict, "The change conflicts with another record", ConflictDetail(p), "conflict"),
            BadHttpRequestException b => (b.StatusCode, "The request could not be read", b.InnerException?.Message ?? b.Message, "bad_request"),
            _ => (0, "", "", (string?)null),
        };
        if (status == 0) return false;
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (code is not null) problem.Extensions["code"] = code;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static string ConflictDetail(PostgresException p) => p.ConstraintName switch
    {
        "teacher_trns_pkey" => "Another registration of this TRN was made at the same time. Retry to register the existing teacher.",
        _ => $"Another change was made at the same time ({p.TableName}). Read the record again and retry.",
    };
}
