using System.Globalization;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.Partnerships.ApiView;

namespace RegisterEcts.Api.LeadProviders.V3;

public sealed record DeliveryPartnerAttributes(string Name, IReadOnlyList<string> Cohort, string CreatedAt, string UpdatedAt);

/// <summary>
/// GET /delivery-partners and /delivery-partners/{id} (rect-api-v3 §3.5): the partners this provider works
/// with in any cohort. filter[cohort] keeps those it works with in one of the years; unlike the reference's
/// inferred quirk, a year in which only another provider works with the partner does not count.
/// </summary>
internal static class DeliveryPartnerEndpoints
{
    public const string Type = "delivery-partner";

    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "d.created_at", ["updated_at"] = "d.api_updated_at" };

    private const string Columns = "d.delivery_partner_id, d.name, d.cohorts, d.created_at, d.api_updated_at";
    private const string From = "lead_provider_delivery_partners d";

    public static RouteGroupBuilder MapDeliveryPartners(this RouteGroupBuilder v3)
    {
        var partners = v3.MapGroup("/delivery-partners").WithTags("Delivery partners");
        partners.MapGet("", ListAsync).WithName("V3ListDeliveryPartners")
            .WithSummary("Delivery partners this lead provider works with (filter[cohort], sort, paging)")
            .Produces<V3ListDocument<V3Resource<DeliveryPartnerAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        partners.MapGet("/{id}", ShowAsync).WithName("V3GetDeliveryPartner").WithSummary("One delivery partner this lead provider works with")
            .Produces<V3Document<V3Resource<DeliveryPartnerAttributes>>>().Produces<V3Errors>(StatusCodes.Status404NotFound);
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var query = new V3Query(Columns, From, "d.delivery_partner_id", SortColumns);
        // No updated_since here, as in the reference.
        var list = V3ListRequest.Parse(http.Request, query.Sortable, updatedSince: false);
        query.Where($"d.lead_provider_id = {query.Param(V3.LeadProviderOf(http))}");
        if (V3ListRequest.Cohorts(http.Request) is { } years) query.Where($"d.cohorts && {query.Param(years.ToArray())}");
        return V3.List(http.Request, Type, await query.ReadAsync(store.DataSource, list, Read, ct));
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var partnerId)) throw V3Exception.NotFound();
        var query = new V3Query(Columns, From, "d.delivery_partner_id", SortColumns);
        query.Where($"d.lead_provider_id = {query.Param(V3.LeadProviderOf(http))}").Where($"d.delivery_partner_id = {query.Param(partnerId)}");
        var page = await query.ReadAsync(store.DataSource, new V3ListRequest { Page = 1, PerPage = 1, Sort = [] }, Read, ct);
        return page.Rows is [var (found, attributes)] ? V3.One(Type, found, attributes) : throw V3Exception.NotFound();
    }

    private static (Guid, DeliveryPartnerAttributes) Read(NpgsqlDataReader r) =>
        (r.GetGuid(0), new DeliveryPartnerAttributes(
            r.GetString(1), [.. r.GetFieldValue<int[]>(2).Order().Select(y => y.ToString(CultureInfo.InvariantCulture))],
            LeadProviderApiProjection.Timestamp(r.GetFieldValue<DateTimeOffset>(3)), LeadProviderApiProjection.Timestamp(r.GetFieldValue<DateTimeOffset>(4))));
}
