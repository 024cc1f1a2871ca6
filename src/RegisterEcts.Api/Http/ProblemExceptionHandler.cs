using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.Http;

/// <summary>Turns the exceptions that reach the top into RFC 7807 problems with the right status.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            // A concurrent change is the caller's to retry, never a server fault.
            StreamConflictException c => (StatusCodes.Status409Conflict, "The record changed while this request was being handled",
                $"Stream {c.StreamId} is at version {c.ActualVersion}, not {c.Expected}. Read it again and retry."),
            BadHttpRequestException b => (b.StatusCode, "The request could not be read", b.Message),
            _ => (0, "", ""),
        };
        if (status == 0) return false;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }
}
