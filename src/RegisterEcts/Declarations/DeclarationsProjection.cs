using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Shared;
using RegisterEcts.Statements;

namespace RegisterEcts.Declarations;

/// declarations: inline, so the one-live-declaration-per-type index refuses a concurrent duplicate at commit.
/// A rebuild folds each declaration's row in memory through its states and copies the final rows when it completes:
/// a declaration is written once instead of once per state.
public sealed class DeclarationsProjection : IProjection
{
    public string Name => "declarations";

    public IReadOnlyList<string> Tables => ["declarations"];

    /// A declaration's row as a rebuild folds it, before it is written.
    private sealed class Row
    {
        public required DeclarationSubmitted Submitted;
        public required DateTimeOffset CreatedAt;
        public DeclarationState State = DeclarationState.Submitted;
        public Guid? StatementId;
        public Guid? ClawbackStatementId;
        public DateTimeOffset UpdatedAt;
    }

    private sealed class Folded : Dictionary<Guid, Row>;

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var folded = context.IsRebuild ? context.Session<Folded>() : null;
        foreach (var e in events)
        {
            if (folded is not null && Fold(folded, e)) continue;
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
                default:
                    if (Transition(e.Data) is { } t) Move(context, t, e.RecordedAt);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// Rebuild: true when the event is folded into a row held in memory (a submission always is: its row is new).
    /// False for a declaration already written (by an earlier part of a blue/green rebuild): it takes the statement.
    private static bool Fold(Folded folded, RecordedEvent e)
    {
        if (e.Data is DeclarationSubmitted s)
        {
            folded[s.DeclarationId] = new Row { Submitted = s, CreatedAt = e.RecordedAt, UpdatedAt = e.RecordedAt };
            return true;
        }
        if (Transition(e.Data) is not { } t) return true; // not an event this projection writes for
        if (!folded.TryGetValue(t.DeclarationId, out var row)) return false;
        row.State = t.State;
        row.UpdatedAt = e.RecordedAt;
        row.StatementId = t.StatementId ?? row.StatementId;
        row.ClawbackStatementId = t.ClawbackStatementId ?? row.ClawbackStatementId;
        return true;
    }

    /// A declaration's move to another state, and the statement it names (eligible: the paying one; awaiting
    /// clawback: the clawing-back one).
    private sealed record StateChange(Guid DeclarationId, DeclarationState State, Guid? StatementId = null, Guid? ClawbackStatementId = null);

    private static StateChange? Transition(object data) => data switch
    {
        DeclarationEligible x => new(x.DeclarationId, DeclarationState.Eligible, StatementId: x.StatementId),
        DeclarationPayable x => new(x.DeclarationId, DeclarationState.Payable),
        DeclarationPaid x => new(x.DeclarationId, DeclarationState.Paid),
        DeclarationVoided x => new(x.DeclarationId, DeclarationState.Voided),
        DeclarationAwaitingClawback x => new(x.DeclarationId, DeclarationState.AwaitingClawback, ClawbackStatementId: x.ClawbackStatementId),
        DeclarationClawedBack x => new(x.DeclarationId, DeclarationState.ClawedBack),
        _ => null,
    };

    public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
    {
        var folded = context.Session<Folded>();
        if (folded.Count == 0) return ValueTask.CompletedTask;
        var copy = context.Copy("declarations",
            ("declaration_id", NpgsqlDbType.Uuid), ("teacher_id", NpgsqlDbType.Uuid), ("lead_provider_id", NpgsqlDbType.Uuid),
            ("training_period_id", NpgsqlDbType.Integer), ("role", NpgsqlDbType.Text), ("declaration_type", NpgsqlDbType.Text),
            ("declaration_date", NpgsqlDbType.TimestampTz), ("evidence_held", NpgsqlDbType.Text), ("contract_period_year", NpgsqlDbType.Integer),
            ("state", NpgsqlDbType.Text), ("statement_id", NpgsqlDbType.Uuid), ("clawback_statement_id", NpgsqlDbType.Uuid),
            ("delivery_partner_id", NpgsqlDbType.Uuid), ("mentor_id", NpgsqlDbType.Uuid), ("created_at", NpgsqlDbType.TimestampTz),
            ("api_updated_at", NpgsqlDbType.TimestampTz));
        foreach (var (id, row) in folded)
        {
            var s = row.Submitted;
            copy.Add(id, s.TeacherId, s.LeadProviderId, s.TrainingPeriodId, RoleName(s.Role), s.DeclarationType, s.DeclarationDate,
                s.EvidenceHeld, s.ContractPeriodYear, row.State.ApiName(), row.StatementId, row.ClawbackStatementId,
                s.DeliveryPartnerId, s.MentorId, row.CreatedAt, row.UpdatedAt);
        }
        folded.Clear();
        return ValueTask.CompletedTask;
    }

    private static void Move(ProjectionContext context, StateChange t, DateTimeOffset at)
    {
        if (t.StatementId is { } paying)
            context.Enqueue("UPDATE declarations SET state = $2, api_updated_at = $3, statement_id = $4 WHERE declaration_id = $1", t.DeclarationId, t.State.ApiName(), at, paying);
        else if (t.ClawbackStatementId is { } clawing)
            context.Enqueue("UPDATE declarations SET state = $2, api_updated_at = $3, clawback_statement_id = $4 WHERE declaration_id = $1", t.DeclarationId, t.State.ApiName(), at, clawing);
        else
            context.Enqueue("UPDATE declarations SET state = $2, api_updated_at = $3 WHERE declaration_id = $1", t.DeclarationId, t.State.ApiName(), at);
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
