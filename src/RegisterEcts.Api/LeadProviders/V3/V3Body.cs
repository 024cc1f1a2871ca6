using System.Text.Json;
using System.Text.Json.Nodes;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>
/// Request bodies {"data":{"type":…,"attributes":{…}}}. `type` is not checked and extra attributes are
/// ignored, as in the reference; anything without data and data.attributes objects is the v3 400.
/// </summary>
public static class V3Body
{
    public static async Task<JsonObject> AttributesAsync(HttpRequest request, CancellationToken ct)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            throw V3Exception.MalformedBody();
        }
        return body is JsonObject root && root["data"] is JsonObject data && data["attributes"] is JsonObject attributes
            ? attributes
            : throw V3Exception.MalformedBody();
    }

    /// The attribute as text (a number is accepted where the reference takes "2025" or 2025); null when absent or blank.
    public static string? Text(JsonObject attributes, string name)
    {
        var node = attributes[name];
        if (node is not JsonValue value) return null;
        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}
