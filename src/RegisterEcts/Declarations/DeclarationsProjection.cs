using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Shared;
using RegisterEcts.Statements;

namespace RegisterEcts.Declarations;

/// declarations: inline, so the one-live-declaration-per-type index refuses a concurrent duplicate at commit.
public sealed class DeclarationsProjection : IProjection
{
    public string Name => "declarations";

    public IReadOnlyList<string> Tables => ["declarations"];

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case DeclarationSubmitted s:
                    context.Enqueue(
                        """
                        INSERT INTO declarations (declaration_id, teacher_id, lead_provider_id, training_period_id, role, declaration_type, declaration_date,
                            evidence_held, contract_period_year, state, delivery_partner_id, mentor_id, created_at, api_updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'submitted', $10, $11, $12, $12)
                        """,
                        s.DeclarationId, s.TeacherId, s.LeadProviderId, s.TrainingPeriodId, RoleName(s.Role), s.DeclarationType, s.DeclarationDate,
                        Text(s.EvidenceHeld), s.ContractPeriodYear, Uuid(s.DeliveryPartnerId), Uuid(s.MentorId), e.RecordedAt);
                    break;
                case DeclarationEligible x:
                    Move(context, x.DeclarationId, DeclarationState.Eligible, e.RecordedAt, ", statement_id = $4", x.StatementId);
                    break;
                case DeclarationPayable x:
                    Move(context, x.DeclarationId, DeclarationState.Payable, e.RecordedAt);
                    break;
                case DeclarationPaid x:
                    Move(context, x.DeclarationId, DeclarationState.Paid, e.RecordedAt);
                    break;
                case DeclarationVoided x:
                    Move(context, x.DeclarationId, DeclarationState.Voided, e.RecordedAt);
                    break;
                case DeclarationAwaitingClawback x:
                    Move(context, x.DeclarationId, DeclarationState.AwaitingClawback, e.RecordedAt, ", clawback_statement_id = $4", x.ClawbackStatementId);
                    break;
                case DeclarationClawedBack x:
                    Move(context, x.DeclarationId, DeclarationState.ClawedBack, e.RecordedAt);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    private static void Move(ProjectionContext context, Guid id, DeclarationState state, DateTimeOffset at, string extra = "", Guid? statement = null)
    {
        if (statement is { } s)
            context.Enqueue($"UPDATE declarations SET state = $2, api_updated_at = $3{extra} WHERE declaration_id = $1", id, state.ApiName(), at, s);
        else
            context.Enqueue("UPDATE declarations SET state = $2, api_updated_at = $3 WHERE declaration_id = $1", id, state.ApiName(), at);
    }

    public static string RoleName(TeacherRole role) => role == TeacherRole.Ect ? "ect" : "mentor";

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Uuid(Guid? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid };

    private const string Columns =
        "declaration_id, teacher_id, lead_provider_id, training_period_id, role, declaration_type, declaration_date, contract_period_year, state, statement_id, clawback_statement_id";

    /// Every declaration of the teacher, in both roles and under every lead provider: what SubmitDeclaration needs.
    public static Task<IReadOnlyList<DeclarationSummary>> ForTeacherAsync(NpgsqlDataSource db, Guid teacherId, CancellationToken ct) =>
        QueryAsync(db, $"SELECT {Columns} FROM declarations WHERE teacher_id = $1 ORDER BY declaration_date, declaration_id", teacherId, ct);

    /// Declarations paid, to be paid or clawed back on the statement.
    public static Task<IReadOnlyList<DeclarationSummary>> OnStatementAsync(NpgsqlDataSource db, Guid statementId, CancellationToken ct) =>
        QueryAsync(db, $"SELECT {Columns} FROM declarations WHERE statement_id = $1 OR clawback_statement_id = $1 ORDER BY declaration_id", statementId, ct);

    private static async Task<IReadOnlyList<DeclarationSummary>> QueryAsync(NpgsqlDataSource db, string sql, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new() { Value = id });
        var rows = new List<DeclarationSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetInt32(3), r.GetString(4) == "ect" ? TeacherRole.Ect : TeacherRole.Mentor,
                r.GetString(5), r.GetFieldValue<DateTimeOffset>(6), r.GetInt32(7), DeclarationStates.Parse(r.GetString(8)),
                r.IsDBNull(9) ? null : r.GetGuid(9), r.IsDBNull(10) ? null : r.GetGuid(10)));
        return rows;
    }
}
