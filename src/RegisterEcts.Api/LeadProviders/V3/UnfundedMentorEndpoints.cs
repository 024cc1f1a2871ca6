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

    private static readonly TeacherDocuments Documents = new("lead_provider_unfunded_mentors", Type,
        (document, updatedAt) => TeacherDocuments.WithUpdatedAt(document, updatedAt, "full_name", "email", "teacher_reference_number", "created_at"));

    private static Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct) => Documents.ListAsync(http, store, ct);

    private static Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct) => Documents.ShowAsync(id, http, store, ct);
}
