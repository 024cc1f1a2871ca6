using System.Globalization;
using Npgsql;
using RegisterEcts.EventStore;
using static RegisterEcts.Partnerships.ApiView.LeadProviderApiProjection;

namespace RegisterEcts.Api.LeadProviders.V3;

public sealed record StatementAttributes(
    string Month, string Year, string Cohort, string CutOffDate, string PaymentDate, bool Paid, string CreatedAt, string UpdatedAt);

/// <summary>GET /statements and /statements/{id} (rect-api-v3 §3.6): this lead provider's output statements.</summary>
internal static class StatementEndpoints
{
    public const string Type = "statement";

    private const string Columns = "s.statement_id, s.month, s.year, s.contract_period_year, s.deadline_date, s.payment_date, s.status, s.created_at, s.api_updated_at";
    private const string From = "statements s";
    private const string Output = "s.lead_provider_id = $1 AND s.fee_type = 'output'";

    private static readonly Dictionary<string, string> SortColumns = new() { ["payment_date"] = "s.payment_date" };

    public static RouteGroupBuilder MapStatements(this RouteGroupBuilder v3)
    {
        var statements = v3.MapGroup("/statements").WithTags("Statements");
        statements.MapGet("", ListAsync).WithName("V3ListStatements")
            .WithSummary("This lead provider's output statements (filter[cohort], filter[updated_since], paging; ordered by payment_date)")
            .Produces<V3ListDocument<V3Resource<StatementAttributes>>>().Produces<V3Errors>(StatusCodes.Status400BadRequest);
        statements.MapGet("/{id}", ShowAsync).WithName("V3GetStatement").WithSummary("One of this lead provider's output statements")
            .Produces<V3Document<V3Resource<StatementAttributes>>>().Produces<V3Errors>(StatusCodes.Status404NotFound);
        return v3;
    }

    private static async Task<IResult> ListAsync(HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var query = new V3Query(Columns, From, "s.statement_id", SortColumns, defaultSort: "payment_date");
        query.Param(V3.LeadProviderOf(http)); // $1, which Output names
        query.Where(Output);
        var parsed = V3ListRequest.Parse(http.Request, query.Sortable);
        // The order is fixed to payment_date (§1.4): `sort` is not read.
        var list = new V3ListRequest
        {
            Page = parsed.Page, PerPage = parsed.PerPage, Sort = parsed.Cursor?.Sort ?? [], Cursor = parsed.Cursor, UpdatedSince = parsed.UpdatedSince,
        };
        if (V3ListRequest.Cohorts(http.Request) is { } years) query.Where($"s.contract_period_year = ANY({query.Param(years.ToArray())})");
        query.UpdatedSince(list, "s.api_updated_at");
        var page = await query.ReadAsync(store.DataSource, list, r => (r.GetGuid(0), Attributes(r)), ct);
        return V3.List(http.Request, Type, page);
    }

    private static async Task<IResult> ShowAsync(string id, HttpContext http, PostgresEventStore store, CancellationToken ct)
    {
        var statementId = Guid.TryParse(id, out var parsed) ? parsed : throw V3Exception.NotFound();
        await using var cmd = store.DataSource.CreateCommand($"SELECT {Columns} FROM {From} WHERE {Output} AND s.statement_id = $2");
        cmd.Parameters.Add(new() { Value = V3.LeadProviderOf(http) });
        cmd.Parameters.Add(new() { Value = statementId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw V3Exception.NotFound();
        return V3.One(Type, statementId, Attributes(r));
    }

    private static StatementAttributes Attributes(NpgsqlDataReader r) => new(
        CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(r.GetInt32(1)),
        r.GetInt32(2).ToString(CultureInfo.InvariantCulture),
        r.GetInt32(3).ToString(CultureInfo.InvariantCulture),
        r.GetFieldValue<DateOnly>(4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        r.GetFieldValue<DateOnly>(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        r.GetString(6) == "paid",
        Timestamp(r.GetFieldValue<DateTimeOffset>(7)),
        Timestamp(r.GetFieldValue<DateTimeOffset>(8)));
}
