using RegisterEcts.Declarations;
using RegisterEcts.EventStore;

namespace RegisterEcts.Statements;

/// The command path for statements: the statement and every declaration it moves change in one transaction,
/// each declaration at the version its state was read, so a void racing the job makes one of them retry.
public static class StatementStreams
{
    /// Opens the statements not open yet; returns how many were new.
    public static async Task<int> OpenAsync(PostgresEventStore store, IReadOnlyList<StatementOpened> statements, EventContext context, CancellationToken ct = default)
    {
        var opened = 0;
        foreach (var chunk in statements.Chunk(200))
        {
            var known = new HashSet<Guid>();
            await using (var cmd = store.DataSource.CreateCommand("SELECT statement_id FROM statements WHERE statement_id = ANY($1)"))
            {
                cmd.Parameters.Add(new() { Value = chunk.Select(s => s.StatementId).ToArray() });
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) known.Add(r.GetGuid(0));
            }
            var fresh = chunk.Where(s => !known.Contains(s.StatementId)).ToList();
            if (fresh.Count == 0) continue;
            await store.AppendAsync(fresh.Select(s => new StreamAppend(s.StatementId, Statement.StreamType, ExpectedVersion.NoStream, [s])).ToList(), context, ct);
            opened += fresh.Count;
        }
        return opened;
    }

    /// The daily job: every open statement whose cut-off date is before today. Returns the statements marked.
    public static async Task<IReadOnlyList<StatementSummary>> MarkPayableAsync(PostgresEventStore store, DateOnly today, EventContext context, CancellationToken ct = default)
    {
        var due = await StatementsProjection.DueAsync(store.DataSource, today, ct);
        foreach (var statement in due)
            await RunAsync(store, statement.StatementId, (s, d) => MarkStatementPayable.Decide(new(statement.StatementId, today), s, d), context, ct);
        return due;
    }

    public static Task<int> AuthoriseAsync(PostgresEventStore store, Guid statementId, DateOnly today, EventContext context, CancellationToken ct = default) =>
        RunAsync(store, statementId, (s, d) => AuthoriseStatement.Decide(new(statementId, today), s, d), context, ct);

    /// Returns how many declarations moved.
    private static async Task<int> RunAsync(
        PostgresEventStore store, Guid statementId, Func<Statement, IReadOnlyList<DeclarationSummary>, StatementDecision> decide, EventContext context, CancellationToken ct)
    {
        var slice = await store.ReadStreamAsync(statementId, ct: ct);
        var statement = slice.Events.Aggregate(Statement.Initial, (s, e) => Statement.Evolve(s, e.Data));
        var versions = new Dictionary<Guid, long>();
        var declarations = new List<DeclarationSummary>();
        foreach (var row in await DeclarationsProjection.OnStatementAsync(store.DataSource, statementId, ct))
        {
            var stream = await store.ReadStreamAsync(row.DeclarationId, ct: ct);
            versions[row.DeclarationId] = stream.Version;
            declarations.Add(stream.Events.Aggregate(Declaration.Initial, (s, e) => Declaration.Evolve(s, e.Data)).Summary);
        }
        var decision = decide(statement, declarations);
        List<StreamAppend> appends = [new(statementId, Statement.StreamType, ExpectedVersion.Exactly(slice.Version), decision.StatementEvents)];
        appends.AddRange(decision.DeclarationEvents.Select(e =>
        {
            var id = ((IDeclarationEvent)e).DeclarationId;
            return new StreamAppend(id, Declaration.StreamType, ExpectedVersion.Exactly(versions[id]), [e]);
        }));
        await store.AppendAsync(appends, context, ct);
        return decision.DeclarationEvents.Count;
    }
}
