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

    internal static readonly TeacherDocuments Documents = new("lead_provider_participants", Type,
        (document, updatedAt) => TeacherDocuments.WithUpdatedAt(document, updatedAt, "full_name", "teacher_reference_number"));

    private static Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct) =>
        Documents.ListAsync(http, store, ct, query =>
        {
            if (V3ListRequest.Cohorts(http.Request) is { } years) query.Where($"d.cohorts && {query.Param(years.ToArray())}");
            // Only the three statuses exist; anything else matches nothing (rect-api-v3 §2, domain §5.1).
            if (V3ListRequest.Filter(http.Request, "training_status") is { } status) query.Where($"d.training_statuses @> ARRAY[{query.Param(status)}]::text[]");
            if (V3ListRequest.Filter(http.Request, "from_participant_id") is { } from)
            {
                if (!Guid.TryParse(from, out var fromId)) query.Where("false");
                else query.Where($"d.document->'participant_id_changes' @> {query.Param(new JsonArray(new JsonObject { ["from_participant_id"] = fromId.ToString() }).ToJsonString())}::jsonb");
            }
        });

    private static Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct) => Documents.ShowAsync(id, http, store, ct);
}
