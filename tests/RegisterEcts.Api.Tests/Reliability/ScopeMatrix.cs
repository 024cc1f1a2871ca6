using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static RegisterEcts.Api.Tests.ApiWithSchools;

namespace RegisterEcts.Api.Tests.Reliability;

/// <summary>
/// Every route of both OpenAPI documents called with every kind of token: the ones the table below allows get past
/// authentication and authorisation (any status but 401/403; a fake id may still be a 404 or 422), the others are
/// refused as README and src/RegisterEcts.Api/Auth say: no or unknown token 401, a token of the wrong scope 403,
/// and under /api/v3 anything but a lead provider's token the v3 401 {"error":"HTTP Token: Access denied"}.
/// </summary>
public class when_every_route_is_called_with_every_kind_of_token(ApiWithSchools api, ITestOutputHelper output) : IClassFixture<ApiWithSchools>
{
    /// <summary>Who calls: no header, a token nobody issued, or a token of a scope (the school and body "own" ones are the ones in the path).</summary>
    public enum Caller { NoToken, UnknownToken, OwnSchool, OtherSchool, OwnAppropriateBody, OtherAppropriateBody, LeadProvider, Support, Admin }

    private static readonly Caller[] Everyone = Enum.GetValues<Caller>();
    private static readonly Caller[] SignedIn = [.. Everyone.Except([Caller.NoToken, Caller.UnknownToken])];

    /// <summary>The documented matrix: route group (by path prefix) → who may call it.</summary>
    private static readonly (string Group, string Prefix, Caller[] Allowed)[] Matrix =
    [
        ("health (liveness and readiness)", "/health", Everyone),
        ("reference data: everyone signed in", "/api/reference/", SignedIn),
        ("a school's routes", "/api/schools/", [Caller.OwnSchool, Caller.Support, Caller.Admin]),
        ("an appropriate body's routes", "/api/appropriate-bodies/", [Caller.OwnAppropriateBody, Caller.Support, Caller.Admin]),
        ("support routes", "/api/support/", [Caller.Support, Caller.Admin]),
        ("lead provider API v3", "/api/v3/", [Caller.LeadProvider]),
    ];

    private static string? ScopeOf(Caller caller) => caller switch
    {
        Caller.OwnSchool => $"school:{Valley}",
        Caller.OtherSchool => $"school:{Underwood}",
        Caller.OwnAppropriateBody => $"appropriate-body:{Kingfisher}",
        Caller.OtherAppropriateBody => $"appropriate-body:{NorthernLights}",
        Caller.LeadProvider => $"lead-provider:{Ambition}",
        Caller.Support => "support",
        Caller.Admin => "admin",
        _ => null,
    };

    [Fact]
    public async Task each_route_lets_in_exactly_the_scopes_the_table_allows()
    {
        var world = await WellFormed.WorldAsync(api);
        var operations = await OpenApiOperations.ReadAsync(api.CreateClient());
        operations.Count.ShouldBeGreaterThanOrEqualTo(57);
        var failures = new List<string>();
        var usedGroups = new HashSet<string>();
        var cases = 0;
        var http = api.CreateClient();

        // Reads before writes, so an allowed erase or merge cannot turn a later read of the same teacher into a 404 that hides a refusal.
        foreach (var operation in operations.OrderBy(o => o.IsWrite))
        {
            var row = Matrix.Where(m => operation.Path.StartsWith(m.Prefix, StringComparison.Ordinal)).ToList();
            if (row.Count != 1)
            {
                failures.Add($"{operation}: in {row.Count} groups of the matrix; add it to exactly one");
                continue;
            }
            var (group, _, allowed) = row[0];
            usedGroups.Add(group);
            string path;
            JsonObject? body;
            try
            {
                path = WellFormed.PathWith(operation, world);
                body = WellFormed.Body(operation, world);
            }
            catch (NotCoveredException e)
            {
                failures.Add($"{operation}: {e.Message}");
                continue;
            }

            foreach (var caller in Everyone)
            {
                cases++;
                var (status, contentType, text) = await SendAsync(http, operation, path, body, caller);
                var problem = allowed.Contains(caller) ? Allowed(status) : Refused(operation, caller, status, contentType, text);
                if (problem is not null) failures.Add($"{operation} as {caller} ({group}) → {(int)status}: {problem} {Short(text)}");
            }
        }
        foreach (var (group, prefix, _) in Matrix.Where(m => !usedGroups.Contains(m.Group)))
            failures.Add($"the matrix names '{group}' ({prefix}) but no route of the documents is in it");

        output.WriteLine($"{cases} scope cases: {operations.Count} routes × {Everyone.Length} kinds of caller");
        failures.ShouldBeEmpty($"{failures.Count} of {cases} cases failed:\n{string.Join('\n', failures)}\n");
    }

    /// <summary>
    /// The support console (not in the OpenAPI documents) signs in with a token and then uses a cookie: only support and
    /// admin tokens sign in (unknown 401, any other scope 403), and its pages send everyone else to sign in.
    /// </summary>
    [Fact]
    public async Task the_support_console_lets_in_only_support_and_admin_tokens()
    {
        var world = await WellFormed.WorldAsync(api);
        string[] pages = ["/support", "/support?q=jane", $"/support/teachers/{world.Ect}"];
        var failures = new List<string>();
        foreach (var caller in Everyone)
        {
            var visitor = ConsoleVisitor.For(api);
            var allowed = caller is Caller.Support or Caller.Admin;
            if (caller != Caller.NoToken)
            {
                var token = caller == Caller.UnknownToken ? "not-a-token-anyone-issued" : await api.TokenAsync(ScopeOf(caller)!);
                var expected = allowed ? HttpStatusCode.Redirect : caller == Caller.UnknownToken ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
                var signIn = await visitor.SignInAsync(token);
                if (signIn.Status != expected) failures.Add($"sign-in as {caller} → {(int)signIn.Status}, expected {(int)expected}");
            }
            foreach (var page in pages)
            {
                var (status, _, location) = await visitor.GetAsync(page);
                var ok = allowed
                    ? status == HttpStatusCode.OK
                    : status == HttpStatusCode.Redirect && location?.AbsolutePath == "/support/sign-in";
                if (!ok) failures.Add($"GET {page} as {caller} → {(int)status} {location}");
            }
        }
        failures.ShouldBeEmpty(string.Join('\n', failures));
    }

    private static string? Allowed(HttpStatusCode status) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? "refused, but the matrix allows it"
        : (int)status >= 500 ? "a server error" : null;

    private static string? Refused(OpenApiOperation operation, Caller caller, HttpStatusCode status, string? contentType, string text)
    {
        var anonymous = caller is Caller.NoToken or Caller.UnknownToken;
        var expected = anonymous || operation.IsV3 ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
        if (status != expected) return $"expected {(int)expected}";
        if (operation.IsV3)
        {
            var error = TryParse(text)?["error"];
            return error is JsonValue v && v.GetValue<string>() == "HTTP Token: Access denied" ? null : "not the v3 401 body";
        }
        return contentType == "application/problem+json" && TryParse(text)?["status"]?.GetValue<int>() == (int)status ? null : "not a problem";
    }

    private static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string Short(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private async Task<(HttpStatusCode, string?, string)> SendAsync(HttpClient http, OpenApiOperation operation, string path, JsonObject? body, Caller caller)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var token = caller switch
        {
            Caller.NoToken => null,
            Caller.UnknownToken => "not-a-token-anyone-issued",
            _ => await api.TokenAsync(ScopeOf(caller)!),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-With-Server-Date", "2025-10-01");
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }
}
