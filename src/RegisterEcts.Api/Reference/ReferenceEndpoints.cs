using RegisterEcts.EventStore;
using RegisterEcts.Schools.SchoolDirectory;

namespace RegisterEcts.Api.Reference;

/// <summary>Read-only reference data: the reference stream folded, and the schools table.</summary>
internal static class ReferenceEndpoints
{
    public static IEndpointRouteBuilder MapReferenceEndpoints(this IEndpointRouteBuilder app)
    {
        var reference = app.MapGroup("/api/reference").WithTags("Reference data").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        reference.MapGet("/lead-providers", async (ReferenceCache references, CancellationToken ct) =>
                TypedResults.Ok((await references.GetAsync(ct)).LeadProviders.Values.OrderBy(p => p.Name).ToList()))
            .WithName("ListLeadProviders").WithSummary("Lead providers");
        reference.MapGet("/delivery-partners", async (ReferenceCache references, CancellationToken ct) =>
                TypedResults.Ok((await references.GetAsync(ct)).DeliveryPartners.Values.OrderBy(p => p.Name).ToList()))
            .WithName("ListDeliveryPartners").WithSummary("Delivery partners");
        reference.MapGet("/contract-periods", async (ReferenceCache references, CancellationToken ct) =>
            {
                var data = await references.GetAsync(ct);
                return TypedResults.Ok(data.ContractPeriods.Values.Select(p => new
                {
                    p.Year, p.StartedOn, p.FinishedOn, p.Enabled, p.PaymentsFrozenOn, p.MentorFundingEnabled, p.DetailedEvidenceTypesEnabled, p.UpliftFeesEnabled,
                    LeadProviderIds = data.ActiveLeadProviders.Where(a => a.Year == p.Year).Select(a => a.LeadProviderId).Order().ToList(),
                }).ToList());
            })
            .WithName("ListContractPeriods").WithSummary("Contract periods (cohorts) with their flags and active lead providers");
        reference.MapGet("/schedules", async (ReferenceCache references, CancellationToken ct) =>
                TypedResults.Ok((await references.GetAsync(ct)).Schedules.Values.OrderBy(s => s.Year).ThenBy(s => s.Identifier).ToList()))
            .WithName("ListSchedules").WithSummary("Schedules and their milestones, per contract period");
        reference.MapGet("/appropriate-bodies", async (ReferenceCache references, CancellationToken ct) =>
                TypedResults.Ok((await references.GetAsync(ct)).AppropriateBodies.Values.OrderBy(b => b.Name).ToList()))
            .WithName("ListAppropriateBodies").WithSummary("Appropriate bodies");
        reference.MapGet("/schools", async (PostgresEventStore store, int? after_urn, int? limit, CancellationToken ct) =>
                TypedResults.Ok(await SchoolDirectoryProjection.ListAsync(store.DataSource, after_urn ?? 0, Math.Clamp(limit ?? 500, 1, 1000), ct)))
            .WithName("ListSchools").WithSummary("Schools by URN, a page at a time (after_urn, limit)");
        return app;
    }
}
