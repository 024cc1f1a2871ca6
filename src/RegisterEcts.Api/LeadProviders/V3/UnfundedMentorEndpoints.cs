using System.Text.Json.Nodes;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>
/// GET /unfunded-mentors and /unfunded-mentors/{id} (rect-api-v3 §3.8): mentors of this provider's ECTs whom it
/// does not train, served from lead_provider_unfunded_mentors with their own api_updated_at.
/// </summary>
internal static class UnfundedMentorEndpoints
{
    public const string Type = "unfunded-mentor";

    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "m.created_at", ["updated_at"] = "m.api_updated_at" };

    public static RouteGroupBuilder MapUnfundedMentors(this RouteGroupBuilder v3)
    {
        var mentors = v3.MapGroup("/unfunded-mentors").WithTags("Unfunded mentors");
        mentors.MapGet("", ListAsync).WithName("V3ListUnfundedMentors")
            .WithSummary("Mentors of this lead provider's ECTs that it does not train (filter[updated_since], sort, paging)")
            .Produces<V3ListDocument<V3Resource<JsonObject>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        mentors.MapGet("/{id}", ShowAsync).WithName("V3GetUnfundedMentor").WithSummary("One of this lead provider's unfunded mentors")
            .Produces<V3Document<V3Resource<JsonObject>>>().Produces<V3Errors>(StatusCodes.Status404NotFound);
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var query = new V3Query("m.teacher_id, m.document::text, m.api_updated_at", "lead_provider_unfunded_mentors m", "m.teacher_id", SortColumns);
        var list = V3ListRequest.Parse(http.Request, query.Sortable);
        query.Where($"m.lead_provider_id = {query.Param(V3.LeadProviderOf(http))}");
        query.UpdatedSince(list, "m.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => (r.GetGuid(0), Attributes(r.GetString(1), r.GetFieldValue<DateTimeOffset>(2))), ct);
        return V3.List(http.Request, Type, page);
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var teacherId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        await using var cmd = store.DataSource.CreateCommand(
            "SELECT document::text, api_updated_at FROM lead_provider_unfunded_mentors WHERE lead_provider_id = $1 AND teacher_id = $2");
        cmd.Parameters.Add(new() { Value = V3.LeadProviderOf(http) });
        cmd.Parameters.Add(new() { Value = teacherId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw V3Exception.NotFound();
        return V3.One(Type, teacherId, Attributes(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1)));
    }

    private static JsonObject Attributes(string document, DateTimeOffset updatedAt)
    {
        var stored = JsonNode.Parse(document)!.AsObject();
        stored["updated_at"] = Partnerships.ApiView.LeadProviderApiProjection.Timestamp(updatedAt);
        return stored;
    }
}
