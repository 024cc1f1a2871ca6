using System.Text.Json.Nodes;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>
/// GET /participants/transfers and /participants/{id}/transfers (rect-api-v3 §3.7), served from
/// lead_provider_transfers: each provider's transfers of a teacher, projected with their own api_updated_at.
/// </summary>
internal static class TransferEndpoints
{
    public const string Type = "participant-transfer";

    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "t.created_at", ["updated_at"] = "t.api_updated_at" };

    private const string Columns = "t.teacher_id, t.document::text, t.api_updated_at";
    private const string From = "lead_provider_transfers t";

    public static RouteGroupBuilder MapTransfers(this RouteGroupBuilder v3)
    {
        var participants = v3.MapGroup("/participants").WithTags("Participant transfers");
        // A literal segment outranks /participants/{id} in routing, so "transfers" is never taken for an id.
        participants.MapGet("/transfers", ListAsync).WithName("V3ListParticipantTransfers")
            .WithSummary("Teachers who moved school into or out of this provider's training (filter[updated_since], sort, paging)")
            .Produces<V3ListDocument<V3Resource<JsonObject>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        participants.MapGet("/{id}/transfers", ShowAsync).WithName("V3GetParticipantTransfers")
            .WithSummary("One teacher's transfers that involve this provider")
            .Produces<V3Document<V3Resource<JsonObject>>>().Produces<V3Errors>(StatusCodes.Status404NotFound);
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var query = new V3Query(Columns, From, "t.teacher_id", SortColumns);
        var list = V3ListRequest.Parse(http.Request, query.Sortable);
        query.Where($"t.lead_provider_id = {query.Param(V3.LeadProviderOf(http))}");
        query.UpdatedSince(list, "t.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => (r.GetGuid(0), Attributes(r.GetString(1), r.GetFieldValue<DateTimeOffset>(2))), ct);
        return V3.List(http.Request, Type, page);
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var teacherId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        await using var cmd = store.DataSource.CreateCommand(
            "SELECT document::text, api_updated_at FROM lead_provider_transfers WHERE lead_provider_id = $1 AND teacher_id = $2");
        cmd.Parameters.Add(new() { Value = V3.LeadProviderOf(http) });
        cmd.Parameters.Add(new() { Value = teacherId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw V3Exception.NotFound();
        return V3.One(Type, teacherId, Attributes(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1)));
    }

    /// updated_at first, then the stored document (transfers), as the reference lists them.
    private static JsonObject Attributes(string document, DateTimeOffset updatedAt)
    {
        var attributes = new JsonObject { ["updated_at"] = Partnerships.ApiView.LeadProviderApiProjection.Timestamp(updatedAt) };
        foreach (var (name, value) in JsonNode.Parse(document)!.AsObject())
            if (!attributes.ContainsKey(name)) attributes[name] = value?.DeepClone();
        return attributes;
    }
}
