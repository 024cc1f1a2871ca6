using System.Globalization;
using Npgsql;
using RegisterEcts.Api.Reference;
using RegisterEcts.EventStore;
using RegisterEcts.Partnerships.ApiView;

namespace RegisterEcts.Api.LeadProviders.V3;

public sealed record SchoolAttributes(
    string Name, string Urn, string Cohort, bool InPartnership, string InductionProgrammeChoice, bool ExpressionOfInterest,
    string? InductionTutorName, string? InductionTutorEmail, string CreatedAt, string UpdatedAt);

/// <summary>
/// GET /schools and /schools/{id}, always for one cohort (rect-api-v3 §3.4): eligible schools and any school
/// in partnership that cohort. expression_of_interest: this provider has a partnership with the school in the
/// cohort or any training was arranged with it there (it stays true); induction_programme_choice: provider_led
/// when any provider-led training is in the cohort, school_led when only school-led ECT training starts in it.
/// </summary>
internal static class SchoolEndpoints
{
    public const string Type = "school";

    private static readonly Dictionary<string, string> SortColumns = new() { ["created_at"] = "s.created_at", ["updated_at"] = "s.api_updated_at" };

    private const string InPartnership = "EXISTS (SELECT 1 FROM lead_provider_partnerships p WHERE p.school_id = s.school_id AND p.contract_period_year = {0})";
    private const string ExpressionOfInterest =
        "EXISTS (SELECT 1 FROM lead_provider_partnerships p WHERE p.school_id = s.school_id AND p.contract_period_year = {0} AND p.lead_provider_id = {1}) "
        + "OR EXISTS (SELECT 1 FROM lead_provider_school_training t WHERE t.school_id = s.school_id AND t.contract_period_year = {0} AND t.lead_provider_id = {1})";

    private const string ProgrammeChoice =
        "CASE WHEN EXISTS (SELECT 1 FROM lead_provider_school_training t WHERE t.school_id = s.school_id AND t.contract_period_year = {0} AND t.programme = 'provider_led') THEN 'provider_led' "
        + "WHEN EXISTS (SELECT 1 FROM lead_provider_school_training t WHERE t.school_id = s.school_id AND t.contract_period_year = {0} AND t.programme = 'school_led' AND t.role = 'ect') THEN 'school_led' "
        + "ELSE 'not_yet_known' END";

    public static RouteGroupBuilder MapSchools(this RouteGroupBuilder v3)
    {
        var schools = v3.MapGroup("/schools").WithTags("Schools");
        schools.MapGet("", ListAsync).WithName("V3ListSchools")
            .WithSummary("Schools for a cohort (filter[cohort] required; filter[urn], filter[updated_since], sort, paging)")
            .Produces<V3ListDocument<V3Resource<SchoolAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        schools.MapGet("/{id}", ShowAsync).WithName("V3GetSchool").WithSummary("One school for a cohort (filter[cohort] required)")
            .Produces<V3Document<V3Resource<SchoolAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest).Produces<V3Errors>(StatusCodes.Status404NotFound);
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, ReferenceCache references, CancellationToken ct)
    {
        var query = new V3Query(Columns, "lead_provider_api_schools s", "s.school_id", SortColumns);
        var list = V3ListRequest.Parse(http.Request, query.Sortable);
        var year = await CohortAsync(http.Request, references, ct);
        if (year is null) return V3.List(http.Request, Type, new V3Page<(Guid, SchoolAttributes)>([], null));
        Scope(query, year.Value, V3.LeadProviderOf(http));
        if (V3ListRequest.Filter(http.Request, "urn") is { } urnText)
            query.Where(int.TryParse(urnText, NumberStyles.None, CultureInfo.InvariantCulture, out var urn) ? $"s.urn = {query.Param(urn)}" : "false");
        query.UpdatedSince(list, "s.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => Read(r, year.Value), ct);
        return V3.List(http.Request, Type, page);
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, ReferenceCache references, CancellationToken ct)
    {
        V3ListRequest.EnsureFilterIsHash(http.Request);
        var year = await CohortAsync(http.Request, references, ct);
        if (year is null || !Guid.TryParse(id, out var schoolId)) throw V3Exception.NotFound();
        var query = new V3Query(Columns, "lead_provider_api_schools s", "s.school_id", SortColumns);
        Scope(query, year.Value, V3.LeadProviderOf(http));
        query.Where($"s.school_id = {query.Param(schoolId)}");
        var page = await query.ReadAsync(store.DataSource, new V3ListRequest { Page = 1, PerPage = 1, Sort = [] }, r => Read(r, year.Value), ct);
        return page.Rows is [var (found, attributes)] ? V3.One(Type, found, attributes) : throw V3Exception.NotFound();
    }

    private const string Columns = "s.school_id, s.urn, s.name, s.created_at, s.api_updated_at, v3_in_partnership, v3_expression_of_interest, v3_programme_choice";

    /// The cohort's eligible schools plus any in partnership that cohort; the two flags become columns of the row.
    private static void Scope(V3Query query, int year, Guid leadProvider)
    {
        var y = query.Param(year);
        var lp = query.Param(leadProvider);
        query.Where($"s.eligible OR v3_in_partnership");
        query.AppendFrom($", LATERAL (SELECT {string.Format(CultureInfo.InvariantCulture, InPartnership, y)} AS v3_in_partnership, "
            + $"({string.Format(CultureInfo.InvariantCulture, ExpressionOfInterest, y, lp)}) AS v3_expression_of_interest, "
            + $"{string.Format(CultureInfo.InvariantCulture, ProgrammeChoice, y)} AS v3_programme_choice) flags");
    }

    /// The required filter[cohort]: null when it names no known cohort (an empty list, or 404 for one school).
    private static async Task<int?> CohortAsync(HttpRequest request, ReferenceCache references, CancellationToken ct)
    {
        var text = V3ListRequest.Filter(request, "cohort") ?? throw V3Exception.BadParameter("The filter '#/cohort' must be included in your request");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year)) return null;
        return (await references.GetAsync(ct)).FindContractPeriod(year) is null ? null : year;
    }

    private static (Guid, SchoolAttributes) Read(NpgsqlDataReader r, int year)
    {
        var inPartnership = r.GetBoolean(5);
        var own = r.GetBoolean(6);
        return (r.GetGuid(0), new SchoolAttributes(
            r.GetString(2), r.GetInt32(1).ToString(CultureInfo.InvariantCulture), year.ToString(CultureInfo.InvariantCulture), inPartnership,
            r.GetString(7), own,
            // The service records no induction tutor yet; the reference shows them only with an expression of interest anyway.
            null, null,
            LeadProviderApiProjection.Timestamp(r.GetFieldValue<DateTimeOffset>(3)), LeadProviderApiProjection.Timestamp(r.GetFieldValue<DateTimeOffset>(4))));
    }
}
