using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// <summary>The sample lead providers and delivery partners the v3 tests use, and fresh schools for each test.</summary>
public class ApiWithLeadProviders : ApiWithSchools
{
    public static readonly Guid Mercia = Guid.Parse("6b4c1e1d-9315-507c-a7b4-523459575fcb");      // Ambition 2024–2026
    public static readonly Guid Chiltern = Guid.Parse("37476dea-7c6c-59a5-9cc5-dbf60fa7f5db");    // Ambition 2025
    public static readonly Guid Humber = Guid.Parse("bc277b46-78b3-53a5-a88c-64ea1e546ebf");      // Teach First 2025
    public static readonly Guid Cotswold = Guid.Parse("68a61541-a341-54b7-87a4-a31e5b65e51a");    // Teach First 2025
    public static readonly DateOnly Today = new(2025, 10, 1);

    private Queue<Guid>? _eligible;

    /// An eligible open school no other test of the class has used.
    public async Task<Guid> FreshSchoolAsync()
    {
        if (_eligible is null)
        {
            await using var cmd = Store.DataSource.CreateCommand("SELECT school_id FROM schools WHERE eligible AND status = 'open' ORDER BY urn");
            var ids = new Queue<Guid>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) ids.Enqueue(r.GetGuid(0));
            _eligible = ids;
        }
        lock (_eligible) return _eligible.Dequeue();
    }

    public async Task<Guid> IneligibleSchoolAsync()
    {
        await using var cmd = Store.DataSource.CreateCommand("SELECT school_id FROM schools WHERE NOT eligible AND status = 'open' ORDER BY urn LIMIT 1");
        return (Guid)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<int> UrnOfAsync(Guid schoolId)
    {
        await using var cmd = Store.DataSource.CreateCommand("SELECT urn FROM schools WHERE school_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<LeadProviderClient> LeadProviderAsync(Guid leadProvider) =>
        new(CreateClient(), await TokenAsync($"lead-provider:{leadProvider}"));
}

/// <summary>A lead provider's system calling /api/v3, on <see cref="ApiWithLeadProviders.Today"/> unless told otherwise.</summary>
public sealed class LeadProviderClient(HttpClient http, string? token)
{
    public Task<Reply> GetAsync(string path, DateOnly? on = null) => SendAsync(HttpMethod.Get, path, null, on);

    public Task<Reply> PostAsync(string path, string json, string? idempotencyKey = null, DateOnly? on = null) =>
        SendAsync(HttpMethod.Post, path, json, on, idempotencyKey);

    public Task<Reply> PutAsync(string path, string json, DateOnly? on = null, string? idempotencyKey = null) => SendAsync(HttpMethod.Put, path, json, on, idempotencyKey);

    public Task<Reply> ConfirmsAsync(Guid school, Guid deliveryPartner, object cohort, string? idempotencyKey = null, DateOnly? on = null) =>
        PostAsync("/api/v3/partnerships", Body("partnership", new JsonObject
        {
            ["cohort"] = JsonValue.Create(cohort), ["school_id"] = school.ToString(), ["delivery_partner_id"] = deliveryPartner.ToString(),
        }), idempotencyKey, on);

    public Task<Reply> ChangesDeliveryPartnerAsync(Guid partnership, Guid deliveryPartner, string? idempotencyKey = null) =>
        PutAsync($"/api/v3/partnerships/{partnership}", Body("partnership", new JsonObject { ["delivery_partner_id"] = deliveryPartner.ToString() }), idempotencyKey: idempotencyKey);

    public static string Body(string type, JsonObject attributes) =>
        new JsonObject { ["data"] = new JsonObject { ["type"] = type, ["attributes"] = attributes } }.ToJsonString();

    private async Task<Reply> SendAsync(HttpMethod method, string path, string? json, DateOnly? on, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-With-Server-Date", (on ?? ApiWithLeadProviders.Today).ToString("yyyy-MM-dd"));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }
}

public static class V3Replies
{
    /// The v3 error body as (title, detail) pairs.
    public static IReadOnlyList<(string Title, string Detail)> Errors(this Reply reply) =>
        [.. reply["errors"].AsArray().Select(e => (e!["title"]!.GetValue<string>(), e["detail"]!.GetValue<string>()))];

    public static JsonNode Data(this Reply reply) => reply["data"];

    public static string Attribute(this Reply reply, string name) => reply["data"]["attributes"]![name]!.ToString();

    public static Guid Id(this Reply reply) => Guid.Parse(reply["data"]["id"]!.GetValue<string>());

    public static IReadOnlyList<string> Ids(this Reply reply) => [.. reply["data"].AsArray().Select(d => d!["id"]!.GetValue<string>())];

    public static Reply ShouldBeError(this Reply reply, HttpStatusCode status, params (string Title, string Detail)[] errors)
    {
        reply.ShouldBe(status);
        reply.Errors().ShouldBe(errors, ignoreOrder: true);
        return reply;
    }
}
