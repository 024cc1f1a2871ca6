namespace RegisterEcts.Api.Http;

/// <summary>A request the caller got wrong in a way no Decide sees: an unknown URN, someone else's teacher.</summary>
public sealed class HttpProblem(int status, string title, string detail, string? code = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Code { get; } = code;

    public static HttpProblem NotFound(string detail, string code) => new(StatusCodes.Status404NotFound, "Not found", detail, code);

    public static HttpProblem Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Forbidden", detail, "forbidden");
}
