using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.Statements;

/// statements: what lead providers list, what declarations attach to, and what the daily job scans.
public sealed class StatementsProjection : IProjection
{
    public string Name => "statements";

    public IReadOnlyList<string> Tables => ["statements"];

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                // A rebuild copies the new rows; the updates below stay statements, which run after the page's copies.
                case StatementOpened o when context.IsRebuild:
                    context.Copy("statements", OpenedColumns).Add(o.StatementId, o.LeadProviderId, o.ContractPeriodYear, o.Year, o.Month, o.DeadlineDate, o.PaymentDate,
                        FeeName(o.FeeType), "open", e.RecordedAt, e.RecordedAt);
                    break;
                case StatementOpened o:
                    context.Enqueue(
                        """
                        INSERT INTO statements (statement_id, lead_provider_id, contract_period_year, year, month, deadline_date, payment_date, fee_type, status, created_at, api_updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9)
                        """,
                        o.StatementId, o.LeadProviderId, o.ContractPeriodYear, o.Year, o.Month, o.DeadlineDate, o.PaymentDate, FeeName(o.FeeType), e.RecordedAt);
                    break;
                case StatementMarkedPayable p:
                    context.Enqueue("UPDATE statements SET status = 'payable', api_updated_at = $2 WHERE statement_id = $1", p.StatementId, e.RecordedAt);
                    break;
                case StatementAuthorisedForPayment p:
                    context.Enqueue("UPDATE statements SET status = 'paid', marked_as_paid_at = $2, api_updated_at = $2 WHERE statement_id = $1", p.StatementId, e.RecordedAt);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    private static readonly (string, NpgsqlTypes.NpgsqlDbType)[] OpenedColumns =
    [
        ("statement_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("lead_provider_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("contract_period_year", NpgsqlTypes.NpgsqlDbType.Integer),
        ("year", NpgsqlTypes.NpgsqlDbType.Integer), ("month", NpgsqlTypes.NpgsqlDbType.Integer), ("deadline_date", NpgsqlTypes.NpgsqlDbType.Date),
        ("payment_date", NpgsqlTypes.NpgsqlDbType.Date), ("fee_type", NpgsqlTypes.NpgsqlDbType.Text), ("status", NpgsqlTypes.NpgsqlDbType.Text),
        ("created_at", NpgsqlTypes.NpgsqlDbType.TimestampTz), ("api_updated_at", NpgsqlTypes.NpgsqlDbType.TimestampTz),
    ];

    private static string FeeName(FeeType type) => type == FeeType.Output ? "output" : "service";

    private const string Columns = "statement_id, lead_provider_id, contract_period_year, year, month, deadline_date, payment_date, fee_type, status";

    /// The lead provider's statements, every cohort: where a declaration or clawback goes.
    public static Task<IReadOnlyList<StatementSummary>> ForLeadProviderAsync(NpgsqlDataSource db, Guid leadProviderId, CancellationToken ct) =>
        QueryAsync(db, $"SELECT {Columns} FROM statements WHERE lead_provider_id = $1 ORDER BY deadline_date", ct, leadProviderId);

    /// Open statements whose cut-off date is before the given day: the daily job's work.
    public static Task<IReadOnlyList<StatementSummary>> DueAsync(NpgsqlDataSource db, DateOnly today, CancellationToken ct) =>
        QueryAsync(db, $"SELECT {Columns} FROM statements WHERE status = 'open' AND deadline_date < $1 ORDER BY deadline_date, statement_id", ct, today);

    private static async Task<IReadOnlyList<StatementSummary>> QueryAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new() { Value = a });
        var rows = new List<StatementSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new(r.GetGuid(0), r.GetGuid(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetFieldValue<DateOnly>(5), r.GetFieldValue<DateOnly>(6),
                r.GetString(7) == "output" ? FeeType.Output : FeeType.Service, r.GetString(8) switch
                {
                    "open" => StatementStatus.Open,
                    "payable" => StatementStatus.Payable,
                    _ => StatementStatus.Paid,
                }));
        return rows;
    }
}
