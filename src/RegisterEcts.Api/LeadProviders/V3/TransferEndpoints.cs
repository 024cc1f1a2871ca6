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

    // updated_at first, then the stored document (transfers), as the reference lists them.
    private static readonly TeacherDocuments Documents = new("lead_provider_transfers", Type, (document, updatedAt) => TeacherDocuments.WithUpdatedAt(document, updatedAt));

    private static Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct) => Documents.ListAsync(http, store, ct);

    private static Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct) => Documents.ShowAsync(id, http, store, ct);
}
