using System.Text.Json.Nodes;

namespace RegisterEcts.Api.Tests.Reliability;

/// <summary>One operation of the app's OpenAPI documents: method, path template, its path parameters and its JSON body schema.</summary>
public sealed record OpenApiOperation(string Document, string Method, string Path, IReadOnlyList<string> PathParameters, JsonObject? BodySchema, JsonObject Root)
{
    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public bool IsV3 => Path.StartsWith("/api/v3/", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Path}";

    /// The schema behind a $ref, and the non-null branch of a nullable oneOf, so callers see the object or value itself.
    public JsonObject Resolve(JsonNode? schema)
    {
        var node = schema as JsonObject ?? [];
        for (var i = 0; i < 20; i++)
        {
            if (node["$ref"]?.GetValue<string>() is { } reference)
                node = Root["components"]!["schemas"]![reference.Split('/')[^1]]!.AsObject();
            else if (node["oneOf"] is JsonArray branches)
                node = branches.Select(b => b!.AsObject()).First(b => !IsNullOnly(b));
            else
                return node;
        }
        throw new InvalidOperationException($"{this}: a schema reference goes round in circles");
    }

    /// "string", "integer", … ignoring the "null" of a nullable type.
    public static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };

    public static bool IsNullOnly(JsonObject schema) => schema["type"] is JsonValue v && v.GetValue<string>() == "null";

    public IReadOnlyList<string> Required(JsonObject objectSchema) =>
        objectSchema["required"] is JsonArray required ? [.. required.Select(r => r!.GetValue<string>())] : [];

    public IEnumerable<(string Name, JsonObject Schema)> Properties(JsonObject objectSchema) =>
        objectSchema["properties"] is JsonObject properties ? properties.Select(p => (p.Key, Resolve(p.Value))) : [];
}

/// <summary>Reads /openapi/v1.json and /api/v3/openapi.json from the running app, so the tests follow whatever it serves.</summary>
public static class OpenApiOperations
{
    public static readonly string[] Documents = ["/openapi/v1.json", "/api/v3/openapi.json"];

    public static async Task<IReadOnlyList<OpenApiOperation>> ReadAsync(HttpClient http)
    {
        var operations = new List<OpenApiOperation>();
        foreach (var document in Documents)
        {
            var root = JsonNode.Parse(await http.GetStringAsync(document))!.AsObject();
            foreach (var (path, item) in root["paths"]!.AsObject())
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (method is not ("get" or "post" or "put" or "patch" or "delete")) continue;
                    var parameters = operation!["parameters"] is JsonArray ps
                        ? ps.Where(p => p!["in"]!.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).ToList()
                        : [];
                    var body = operation["requestBody"]?["content"]?["application/json"]?["schema"]?.AsObject();
                    operations.Add(new OpenApiOperation(document, method.ToUpperInvariant(), path, parameters, body, root));
                }
        }
        return operations;
    }
}
