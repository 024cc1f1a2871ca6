using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using RegisterEcts.Shared;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>One entry of the v3 error body: {"errors":[{"title":…,"detail":…}]}.</summary>
public sealed record V3Error(string Title, string Detail);

public sealed record V3Errors(IReadOnlyList<V3Error> Errors);

/// <summary>The v3 401 body, a single string as the reference service sends it.</summary>
public sealed record V3Unauthorised(string Error);

/// <summary>
/// Thrown anywhere under /api/v3 to answer with the v3 error shape; <see cref="V3EndpointFilter"/> writes it.
/// Use the factories, which carry the reference service's exact words (rect-api-v3 §1.1).
/// </summary>
public sealed class V3Exception(int status, IReadOnlyList<V3Error> errors) : Exception(string.Join("; ", errors.Select(e => $"{e.Title}: {e.Detail}")))
{
    public int Status { get; } = status;
    public IReadOnlyList<V3Error> Errors { get; } = errors;

    public static V3Exception BadRequest(string detail) => new(StatusCodes.Status400BadRequest, [new("Bad request", detail)]);

    public static V3Exception BadParameter(string detail) => new(StatusCodes.Status400BadRequest, [new("Bad parameter", detail)]);

    /// A body without data or data.attributes objects.
    public static V3Exception MalformedBody() => BadRequest("Correct json data structure required. See API docs for reference.");

    public static V3Exception NotFound() => new(StatusCodes.Status404NotFound, [V3Problems.NotFound]);

    /// Business validation: one entry per (attribute, message), duplicates removed, terms mapped.
    public static V3Exception Unprocessable(IEnumerable<V3Error> errors) =>
        new(StatusCodes.Status422UnprocessableEntity, [.. errors.Select(e => new V3Error(V3Terms.Map(e.Title), V3Terms.Map(e.Detail))).Distinct()]);

    public static V3Exception Unprocessable(string attribute, string detail) => Unprocessable([new V3Error(attribute, detail)]);
}

public static class V3Problems
{
    public static readonly V3Error NotFound = new("Resource not found", "Nothing could be found for the provided details");

    public const string AccessDenied = "HTTP Token: Access denied";

    public static JsonHttpResult<V3Errors> Result(int status, IReadOnlyList<V3Error> errors) =>
        TypedResults.Json(new V3Errors(errors), V3Json.Options, statusCode: status);

    public static JsonHttpResult<V3Unauthorised> Unauthorised() =>
        TypedResults.Json(new V3Unauthorised(AccessDenied), V3Json.Options, statusCode: StatusCodes.Status401Unauthorized);
}

/// <summary>
/// The reference service rewrites internal names in 422 titles and details (config/api_error_mappings.yml),
/// longest match first; `contract_period` without `_year` stays as it is.
/// </summary>
public static class V3Terms
{
    private static readonly (string From, string To)[] Mappings =
    [
        ("delivery_partner_api_id", "delivery_partner_id"),
        ("declaration_api_id", "participant_declaration_id"),
        ("school_partnership_id", "partnership"),
        ("contract_period_year", "cohort"),
        ("teacher_api_id", "participant_id"),
        ("contract period", "cohort"),
        ("school_api_id", "school_id"),
        ("evidence_type", "evidence_held"),
        ("teacher_type", "course_identifier"),
        ("api_id", "id"),
    ];

    public static string Map(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = new System.Text.StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var matched = false;
            foreach (var (from, to) in Mappings)
            {
                // Whole words only: "teacher_api_id" must not become "teacher_id".
                if (string.CompareOrdinal(text, i, from, 0, from.Length) != 0) continue;
                var before = i == 0 || !IsWordChar(text[i - 1]);
                var after = i + from.Length == text.Length || !IsWordChar(text[i + from.Length]);
                if (!before || !after) continue;
                result.Append(to);
                i += from.Length;
                matched = true;
                break;
            }
            if (matched) continue;
            result.Append(text[i]);
            i++;
        }
        return result.ToString();
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}

/// <summary>
/// Guards every /api/v3 endpoint: a lead-provider token (else the v3 401), and turns <see cref="V3Exception"/>
/// and a stray <see cref="RuleViolation"/> into the v3 error shape. Everything else goes on to
/// ProblemExceptionHandler, whose problems <see cref="V3ProblemWriter"/> words the v3 way under /api/v3.
/// </summary>
internal sealed class V3EndpointFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true || Auth.Scopes.LeadProvider(http.User) is null)
            return V3Problems.Unauthorised();
        try
        {
            return await next(context);
        }
        catch (V3Exception e)
        {
            return V3Problems.Result(e.Status, e.Errors);
        }
        catch (RuleViolation r)
        {
            return V3Problems.Result(StatusCodes.Status422UnprocessableEntity, [.. r.Each.Select(v => new V3Error(V3Terms.Map(v.Code), V3Terms.Map(v.Message))).Distinct()]);
        }
    }
}

/// <summary>
/// Problems written anywhere under /api/v3 (an unreadable X-With-Server-Date, a concurrent change, a reused
/// Idempotency-Key, an unknown route) leave in the v3 error shape instead of RFC 7807.
/// </summary>
internal sealed class V3ProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => LeadProviderApi.IsV3(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var error = status switch
        {
            StatusCodes.Status404NotFound => V3Problems.NotFound,
            StatusCodes.Status400BadRequest => new V3Error("Bad request", context.ProblemDetails.Detail ?? "Bad request"),
            _ => new V3Error(context.ProblemDetails.Title ?? "Error", context.ProblemDetails.Detail ?? context.ProblemDetails.Title ?? ""),
        };
        http.Response.StatusCode = status;
        return new ValueTask(http.Response.WriteAsJsonAsync(new V3Errors([error]), V3Json.Options, http.RequestAborted));
    }
}

public static class V3Json
{
    /// snake_case names, nulls written (the reference documents carry explicit nulls).
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
