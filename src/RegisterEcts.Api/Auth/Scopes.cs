using System.Security.Claims;
using RegisterEcts.Api.Http;
using RegisterEcts.EventStore;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Teachers.AtSchoolPeriods;

namespace RegisterEcts.Api.Auth;

/// <summary>What a token may touch: its own school (and that school's teachers), its own appropriate body, or anything.</summary>
internal static class Scopes
{
    public const string TokenId = "token_id";
    public const string Scope = "scope";

    public static string Of(ClaimsPrincipal user) => user.FindFirstValue(Scope) ?? "";

    public static Guid TokenOf(ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(TokenId)!);

    private static bool IsStaff(string scope) => scope is "admin" or "support";

    public static Actor ActorOf(ClaimsPrincipal user)
    {
        var scope = Of(user);
        var colon = scope.IndexOf(':');
        return colon < 0
            ? new Actor(scope, TokenOf(user).ToString(), scope == "admin" ? "DfE admin" : "DfE support")
            : new Actor(scope[..colon].Replace('-', '_'), scope[(colon + 1)..], scope);
    }

    /// <summary>Who did it, and which request (its Idempotency-Key when it has one) caused the events.</summary>
    public static EventContext ContextOf(ClaimsPrincipal user, HttpContext http) =>
        new(ActorOf(user), CausationId: http.Request.Headers["Idempotency-Key"].FirstOrDefault() ?? http.TraceIdentifier);

    /// <summary>The school behind the URN, if this token may act for it; otherwise 403 (its URN is not the token's) or 404.</summary>
    public static async Task<SchoolRow> SchoolAsync(ClaimsPrincipal user, PostgresEventStore store, int urn, CancellationToken ct)
    {
        var scope = Of(user);
        var school = await SchoolDirectoryProjection.FindByUrnAsync(store.DataSource, urn, ct);
        if (IsStaff(scope))
            return school ?? throw HttpProblem.NotFound($"There is no school with URN {urn}", "school_not_found");
        if (!scope.StartsWith("school:", StringComparison.Ordinal) || !int.TryParse(scope["school:".Length..], out var own))
            throw HttpProblem.Forbidden("This token is not for a school");
        if (school is null || (own != school.Urn && !school.PreviousUrns.Contains(own)))
            throw HttpProblem.Forbidden($"This token may act for URN {own} only");
        return school;
    }

    /// <summary>A school sees only teachers who are or were at it; anyone else's is not found (nothing leaks that they exist).</summary>
    public static async Task TeacherAtSchoolAsync(ClaimsPrincipal user, PostgresEventStore store, Guid teacherId, SchoolRow school, CancellationToken ct)
    {
        if (IsStaff(Of(user))) return;
        if (!await AtSchoolPeriodsProjection.HasBeenAtSchoolAsync(store.DataSource, teacherId, school.SchoolId, ct))
            throw HttpProblem.NotFound($"Teacher {teacherId} has never been registered at URN {school.Urn}", "teacher_not_found");
    }

    /// <summary>The lead provider a `lead-provider:ID` token acts for; null for any other token.</summary>
    public static Guid? LeadProvider(ClaimsPrincipal user)
    {
        const string prefix = "lead-provider:";
        var scope = Of(user);
        return scope.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(scope[prefix.Length..], out var id) ? id : null;
    }

    public static void AppropriateBody(ClaimsPrincipal user, Guid appropriateBodyId)
    {
        var scope = Of(user);
        const string prefix = "appropriate-body:";
        if (IsStaff(scope) || (scope.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(scope[prefix.Length..], out var own) && own == appropriateBodyId))
            return;
        throw HttpProblem.Forbidden($"This token may not act for appropriate body {appropriateBodyId}");
    }
}
