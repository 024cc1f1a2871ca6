using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit.Abstractions;
using RegisterEcts.Api.Tests.LeadProviders;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.Reliability;

/// <summary>
/// Every write operation of both OpenAPI documents, fed bodies and paths that are wrong in every way its schema
/// allows: a 4xx in the right error shape, never a 5xx, and no event written. Driven by the documents, so an
/// endpoint added later is fed the same cases, and one whose path or scope this test cannot fill fails it.
/// </summary>
public class when_every_write_endpoint_is_fed_malformed_input(ApiWithLeadProviders api, ITestOutputHelper output) : IClassFixture<ApiWithLeadProviders>
{
    private const string UnknownProperty = "zz_not_a_field";
    private static readonly Guid UnknownId = WellFormed.UnknownId;

    /// Which token may call a route, by the start of its path. A route under no prefix here fails the test.
    private static readonly (string Prefix, string Scope)[] Callers =
    [
        ("/api/schools/", $"school:{Valley}"),
        ("/api/appropriate-bodies/", $"appropriate-body:{Kingfisher}"),
        ("/api/support/", "support"),
        ("/api/v3/", $"lead-provider:{Ambition}"),
    ];

    [Fact]
    public async Task each_case_gets_a_clear_4xx_in_the_right_shape_and_writes_nothing()
    {
        var world = await WellFormed.WorldAsync(api);
        var operations = (await OpenApiOperations.ReadAsync(api.CreateClient())).Where(o => o.IsWrite).ToList();
        operations.Count.ShouldBeGreaterThanOrEqualTo(28);

        var failures = new List<string>();
        var cases = new List<(OpenApiOperation Operation, Case Case)>();
        foreach (var operation in operations)
        {
            try
            {
                cases.AddRange(CasesOf(operation, world).Select(c => (operation, c)));
            }
            catch (NotCoveredException e)
            {
                failures.Add($"{operation}: {e.Message}");
            }
        }
        // Accepted-when-valid cases last, so a success cannot change what the other cases of its endpoint meet.
        cases = [.. cases.OrderBy(c => c.Case.MayBeAccepted)];

        var http = api.CreateClient();
        foreach (var (operation, @case) in cases)
        {
            var before = await api.EventCountAsync();
            var (status, contentType, body) = await SendAsync(http, operation, @case);
            var written = await api.EventCountAsync() - before;
            var problem = Check(operation, @case, status, contentType, body, written, await EventsSinceAsync(before));
            if (problem is not null) failures.Add($"{operation} [{@case.Name}] → {(int)status}: {problem}");
        }
        output.WriteLine($"{cases.Count} malformed-input cases over {operations.Count} write operations");
        failures.ShouldBeEmpty($"{failures.Count} of {cases.Count} cases failed:\n{string.Join('\n', failures)}\n");
    }

    /// What is wrong with the answer, or null.
    private static string? Check(OpenApiOperation operation, Case @case, HttpStatusCode status, string? contentType, string body, long written, string writtenEvents)
    {
        var code = (int)status;
        if (code >= 500) return $"a server error: {Short(body)}";
        if (@case.MayBeAccepted && code < 400)
            // An unknown property is ignored (v3 as the reference: rect-api-v3 §1; v1 as System.Text.Json does), so the
            // request may succeed; what it wrote must not carry the unknown property.
            return writtenEvents.Contains(UnknownProperty, StringComparison.Ordinal) ? $"the unknown property was stored: {Short(writtenEvents)}" : null;
        if (code < 400) return $"accepted ({written} events written): {Short(body)}";
        if (written != 0) return $"{written} event(s) written";
        if (operation.IsV3)
        {
            if (contentType != "application/json") return $"content type {contentType}, not application/json";
            var errors = TryParse(body)?["errors"] as JsonArray;
            if (errors is null || errors.Count == 0 || errors.Any(e => e?["title"] is null || e["detail"] is null))
                return $"not the v3 error shape {{\"errors\":[{{title, detail}}]}}: {Short(body)}";
        }
        else
        {
            if (contentType != "application/problem+json") return $"content type {contentType}, not application/problem+json";
            var problem = TryParse(body);
            if (problem?["status"]?.GetValue<int>() != code || problem["title"] is null) return $"not a problem with status and title: {Short(body)}";
        }
        return null;
    }

    private static JsonNode? TryParse(string body)
    {
        try { return JsonNode.Parse(body); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private async Task<(HttpStatusCode, string?, string)> SendAsync(HttpClient http, OpenApiOperation operation, Case @case)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), @case.Path);
        if (@case.Body is not null) request.Content = new StringContent(@case.Body, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await api.TokenAsync(ScopeFor(operation)));
        request.Headers.Add("X-With-Server-Date", ApiWithLeadProviders.Today.ToString("yyyy-MM-dd"));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static string ScopeFor(OpenApiOperation operation) =>
        Callers.Where(c => operation.Path.StartsWith(c.Prefix, StringComparison.Ordinal)).Select(c => c.Scope).FirstOrDefault()
        ?? throw new NotCoveredException("no token in this test's table may call it");

    private async Task<string> EventsSinceAsync(long count)
    {
        await using var cmd = api.Store.DataSource.CreateCommand("SELECT coalesce(string_agg(data::text || metadata::text, ' '), '') FROM (SELECT * FROM es_events ORDER BY seq OFFSET $1) e");
        cmd.Parameters.Add(new NpgsqlParameter { Value = count });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>One request to send: a path, a body (null for none), and whether a success is acceptable.</summary>
    private sealed record Case(string Name, string Path, string? Body, bool MayBeAccepted = false);

    /// Values of the wrong JSON type for a property of this schema type.
    private static IEnumerable<(string Name, JsonNode? Value)> WrongTypes(string? type, string? format)
    {
        if (type != "array") yield return ("an array", new JsonArray(1, 2));
        if (type != "object") yield return ("an object", new JsonObject { ["a"] = 1 });
        if (type is "string") yield return ("a number", 12345);
        if (type is not "boolean") yield return ("a boolean", true);
        if (type is "integer" or "number" or "boolean") yield return ("a word", "zzz");
    }

    private static IEnumerable<Case> CasesOf(OpenApiOperation operation, WellFormed.World world)
    {
        var path = WellFormed.PathWith(operation, world);
        ScopeFor(operation);

        // The body as a whole, also for operations that document none: whatever is sent must not upset them.
        yield return new Case("not JSON", path, "{\"trn\": 12");
        yield return new Case("a JSON array", path, "[]");
        yield return new Case("a JSON string", path, "\"text\"");
        yield return new Case("JSON null", path, "null");
        yield return new Case("an empty body", path, "");
        yield return new Case("no body at all", path, null);
        yield return new Case("a 5 MB JSON string", path, "\"" + new string('x', 5 * 1024 * 1024) + "\"");

        if (operation.BodySchema is { } bodySchema)
        {
            var root = operation.Resolve(bodySchema);
            var valid = WellFormed.SampleObject(operation, root, world);

            // Path parameters that name nothing, or are not ids at all, with a well-formed body.
            foreach (var parameter in operation.PathParameters)
            {
                var (malformed, unknown) = parameter == "urn" ? ("not-a-urn", "999999") : ("not-a-uuid", UnknownId.ToString());
                yield return new Case($"path {parameter} '{malformed}'", WellFormed.PathWith(operation, world, parameter, malformed), valid.ToJsonString());
                if (!(operation.Path.StartsWith("/api/v3/participant-declarations/", StringComparison.Ordinal)))
                    yield return new Case($"path {parameter} unknown", WellFormed.PathWith(operation, world, parameter, unknown), valid.ToJsonString());
            }

            // Every string of the well-formed body made huge, about 5 MB in all.
            var strings = Leaves(operation, root, []).Count(l => OpenApiOperation.TypeOf(l.Schema) == "string" && l.Schema["enum"] is null);
            if (strings > 0)
            {
                var huge = valid.DeepClone().AsObject();
                foreach (var (at, schema, _) in Leaves(operation, root, []))
                    if (OpenApiOperation.TypeOf(schema) == "string" && schema["enum"] is null)
                        Set(huge, at, new string('x', 5 * 1024 * 1024 / strings));
                yield return new Case("a 5 MB body of huge strings", path, huge.ToJsonString());
            }

            foreach (var (at, schema, required) in Leaves(operation, root, []).Select(l => (l.At, l.Schema, l.Required)))
            {
                var name = string.Join('.', at);
                Case With(string what, JsonNode? value, bool remove = false)
                {
                    var body = valid.DeepClone().AsObject();
                    if (remove) Remove(body, at);
                    else Set(body, at, value);
                    // The reference never checks data.type (rect-api-v3 §4), so neither do we: a wrong one may be accepted.
                    return new Case($"{name} {what}", path, body.ToJsonString(), MayBeAccepted: operation.IsV3 && name == "data.type");
                }

                var nullable = schema["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null");
                if (required) yield return With("missing", null, remove: true);
                if (required && !nullable) yield return With("null", null);
                var type = OpenApiOperation.TypeOf(schema);
                var format = schema["format"]?.GetValue<string>();
                foreach (var (what, value) in WrongTypes(type, format)) yield return With($"as {what}", value);
                if (schema["enum"] is not null) yield return With("not one of its values", "not_a_value");
                if (format == "date" || at[^1].EndsWith("_date", StringComparison.Ordinal))
                {
                    yield return With("'2025-02-30'", "2025-02-30");
                    yield return With("'yesterday'", "yesterday");
                }
                if (format == "uuid" || at[^1].EndsWith("_id", StringComparison.Ordinal) && at[^1] != "course_identifier")
                {
                    yield return With("'not-a-uuid'", "not-a-uuid");
                    yield return With("an unknown id", UnknownId.ToString());
                }
                if (at[^1] is "trn")
                {
                    yield return With("'12'", "12");
                    yield return With("'abcdefg'", "abcdefg");
                }
                if (at[^1] is "urn" or "school_urn")
                    yield return With("an unknown URN", 999999);
            }

            // An unknown property beside the real ones, at every level.
            foreach (var at in Objects(operation, root, []))
            {
                var body = valid.DeepClone().AsObject();
                Set(body, [.. at, UnknownProperty], "surprise");
                yield return new Case($"unknown property in {(at.Length == 0 ? "the body" : string.Join('.', at))}", path, body.ToJsonString(), MayBeAccepted: true);
            }
        }
    }

    /// Every non-object property, with its path into the body and whether its object requires it.
    private static IEnumerable<(string[] At, JsonObject Schema, bool Required)> Leaves(OpenApiOperation operation, JsonObject schema, string[] at)
    {
        var required = operation.Required(schema);
        foreach (var (name, property) in operation.Properties(schema))
        {
            string[] here = [.. at, name];
            if (OpenApiOperation.TypeOf(property) == "object")
            {
                if (required.Contains(name)) yield return (here, property, true);
                foreach (var leaf in Leaves(operation, property, here)) yield return leaf;
            }
            else yield return (here, property, required.Contains(name));
        }
    }

    private static IEnumerable<string[]> Objects(OpenApiOperation operation, JsonObject schema, string[] at)
    {
        yield return at;
        foreach (var (name, property) in operation.Properties(schema))
            if (OpenApiOperation.TypeOf(property) == "object")
                foreach (var inner in Objects(operation, property, [.. at, name])) yield return inner;
    }

    private static void Set(JsonObject body, string[] at, JsonNode? value)
    {
        var target = body;
        foreach (var step in at[..^1]) target = target[step]!.AsObject();
        target[at[^1]] = value;
    }

    private static void Remove(JsonObject body, string[] at)
    {
        var target = body;
        foreach (var step in at[..^1]) target = target[step]!.AsObject();
        target.Remove(at[^1]);
    }
}
