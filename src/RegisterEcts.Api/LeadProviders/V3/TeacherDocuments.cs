using System.Text.Json.Nodes;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>
/// The tables of one document per (lead provider, teacher) — lead_provider_participants, _transfers,
/// _unfunded_mentors — share their reads: this provider's rows, newest api_updated_at or created_at order,
/// updated_since, paging; a show is the provider's row or 404. Nothing is derived per request.
/// </summary>
internal sealed class TeacherDocuments(string table, string type, Func<string, DateTimeOffset, JsonObject> attributes)
{
    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "d.created_at", ["updated_at"] = "d.api_updated_at" };

    public async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct, Action<V3Query>? filters = null)
    {
        // The document leaves as jsonb (Npgsql reads it as text): a ::text cast here runs for every row the sort or
        // OFFSET passes over, not only the page sent (thousands of documents for a filtered first page).
        var query = new V3Query("d.teacher_id, d.document, d.api_updated_at", $"{table} d", "d.teacher_id", SortColumns);
        var list = V3ListRequest.Parse(http.Request, query.Sortable);
        var provider = query.Param(V3.LeadProviderOf(http));
        query.Where($"d.lead_provider_id = {provider}");
        // A provider holds up to a fifth of a million documents: the sort, updated_since and any OFFSET run over
        // the (provider, created_at | api_updated_at) indexes that cover them, and only the page's documents are read.
        query.KeysFirst($"JOIN {table} d ON d.lead_provider_id = {provider} AND d.teacher_id = k.v3_key_id");
        filters?.Invoke(query);
        query.UpdatedSince(list, "d.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => (r.GetGuid(0), attributes(r.GetString(1), r.GetFieldValue<DateTimeOffset>(2))), ct);
        return V3.List(http.Request, type, page);
    }

    public async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var teacherId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        return V3.One(type, teacherId, await FindAsync(store, V3.LeadProviderOf(http), teacherId, ct) ?? throw V3Exception.NotFound());
    }

    public async Task<JsonObject?> FindAsync(PostgresEventStore store, Guid leadProvider, Guid teacherId, CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand($"SELECT document::text, api_updated_at FROM {table} WHERE lead_provider_id = $1 AND teacher_id = $2");
        cmd.Parameters.Add(new() { Value = leadProvider });
        cmd.Parameters.Add(new() { Value = teacherId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? attributes(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1)) : null;
    }

    /// The stored document with the row's updated_at placed after the named leading attributes, as the reference orders them.
    public static JsonObject WithUpdatedAt(string document, DateTimeOffset updatedAt, params string[] before)
    {
        var stored = JsonNode.Parse(document)!.AsObject();
        var result = new JsonObject();
        foreach (var name in before) result[name] = stored[name]?.DeepClone();
        result["updated_at"] = Partnerships.ApiView.LeadProviderApiProjection.Timestamp(updatedAt);
        foreach (var (name, value) in stored)
            if (!result.ContainsKey(name)) result[name] = value?.DeepClone();
        return result;
    }
}
