using System.Text.Json.Nodes;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>
/// GET /participants and /participants/{id} (rect-api-v3 §3.1), served from lead_provider_participants: each
/// provider's own document and api_updated_at, projected when the teacher changed. Nothing is derived here.
/// </summary>
internal static class ParticipantEndpoints
{
    public const string Type = "participant";

    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "p.created_at", ["updated_at"] = "p.api_updated_at" };

    private const string Columns = "p.teacher_id, p.document::text, p.api_updated_at";
    private const string From = "lead_provider_participants p";

    public static RouteGroupBuilder MapParticipants(this RouteGroupBuilder v3)
    {
        var participants = v3.MapGroup("/participants").WithTags("Participants");
        participants.MapGet("", ListAsync).WithName("V3ListParticipants")
            .WithSummary("This lead provider's participants (filter[cohort], filter[updated_since], filter[training_status], filter[from_participant_id], sort, paging)")
            .Produces<V3ListDocument<V3Resource<JsonObject>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        participants.MapGet("/{id}", ShowAsync).WithName("V3GetParticipant").WithSummary("One of this lead provider's participants")
            .Produces<V3Document<V3Resource<JsonObject>>>().Produces<V3Errors>(StatusCodes.Status404NotFound);
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var query = new V3Query(Columns, From, "p.teacher_id", SortColumns);
        var list = V3ListRequest.Parse(http.Request, query.Sortable);
        query.Where($"p.lead_provider_id = {query.Param(V3.LeadProviderOf(http))}");
        if (V3ListRequest.Cohorts(http.Request) is { } years) query.Where($"p.cohorts && {query.Param(years.ToArray())}");
        // Only the three statuses exist; anything else matches nothing (rect-api-v3 §2, domain §5.1).
        if (V3ListRequest.Filter(http.Request, "training_status") is { } status) query.Where($"p.training_statuses @> ARRAY[{query.Param(status)}]::text[]");
        if (V3ListRequest.Filter(http.Request, "from_participant_id") is { } from)
        {
            if (!Guid.TryParse(from, out var fromId)) query.Where("false");
            else query.Where($"p.document->'participant_id_changes' @> {query.Param(new JsonArray(new JsonObject { ["from_participant_id"] = fromId.ToString() }).ToJsonString())}::jsonb");
        }
        query.UpdatedSince(list, "p.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => (r.GetGuid(0), Attributes(r.GetString(1), r.GetFieldValue<DateTimeOffset>(2))), ct);
        return V3.List(http.Request, Type, page);
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var teacherId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        await using var cmd = store.DataSource.CreateCommand(
            "SELECT document::text, api_updated_at FROM lead_provider_participants WHERE lead_provider_id = $1 AND teacher_id = $2");
        cmd.Parameters.Add(new() { Value = V3.LeadProviderOf(http) });
        cmd.Parameters.Add(new() { Value = teacherId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw V3Exception.NotFound();
        return V3.One(Type, teacherId, Attributes(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1)));
    }

    /// The stored document with the row's updated_at, in the reference's attribute order.
    internal static JsonObject Attributes(string document, DateTimeOffset updatedAt)
    {
        var stored = JsonNode.Parse(document)!.AsObject();
        var attributes = new JsonObject
        {
            ["full_name"] = stored["full_name"]?.DeepClone(),
            ["teacher_reference_number"] = stored["teacher_reference_number"]?.DeepClone(),
            ["updated_at"] = Partnerships.ApiView.LeadProviderApiProjection.Timestamp(updatedAt),
        };
        foreach (var (name, value) in stored)
            if (!attributes.ContainsKey(name)) attributes[name] = value?.DeepClone();
        return attributes;
    }
}
