using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace RegisterEcts.EventStore.Projections;

public sealed record RebuildProgress(string Projection, long Done, long Total, double EventsPerSecond);

/// <summary>
/// Offline rebuild: empty a projection's tables and replay every event into them, in one transaction.
/// Its tables are locked for the duration, so appends whose inline projection writes there wait rather
/// than interleave, and readers never see a half-built table; everything else keeps working.
/// </summary>
public sealed class ProjectionRebuilder(PostgresEventStore store, int batchSize = 10_000)
{
    public Task<long> RebuildAsync(IProjection projection, IProgress<RebuildProgress>? progress = null, CancellationToken ct = default) =>
        RebuildAsync([projection], progress, ct);

    /// <summary>Rebuilds several projections in one pass over the log: each page is read and deserialised once for all of them.</summary>
    public async Task<long> RebuildAsync(IReadOnlyList<IProjection> projections, IProgress<RebuildProgress>? progress = null, CancellationToken ct = default)
    {
        foreach (var projection in projections)
        {
            if (!store.AsyncProjections.Contains(projection) && !store.InlineProjections.Contains(projection))
                throw new ArgumentException($"{projection.Name} is not registered with this store.", nameof(projections));
            if (projection.Tables.Count == 0)
                throw new InvalidOperationException($"{projection.Name} declares no tables, so there is nothing to rebuild into.");
        }
        var isAsync = projections.Any(store.AsyncProjections.Contains);
        if (isAsync && projections.Any(store.InlineProjections.Contains))
            throw new ArgumentException("Rebuild inline and async projections separately: they replay different sets of events.", nameof(projections));
        var name = string.Join("+", projections.Select(p => p.Name));

        using var activity = EventStoreTelemetry.Source.StartActivity("es.projection.rebuild");
        activity?.SetTag("es.projection", name);
        var watch = Stopwatch.StartNew();
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var tables = string.Join(", ", projections.SelectMany(p => p.Tables).Select(SchemaMigrator.QuoteIdent));
        await Execute(conn, $"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE; TRUNCATE {tables}", ct);
        // The snapshot is taken here, after the lock: appends that committed while we waited are included,
        // and those still to commit apply their own inline writes once we release the lock.
        long total;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM es_events", conn))
            total = (long)(await count.ExecuteScalarAsync(ct))!;

        // Pages are read and deserialised on a second connection that shares this transaction's snapshot, one
        // page ahead, so reading the log overlaps with projecting and writing the page before it.
        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", conn))
            snapshot = (string)(await export.ExecuteScalarAsync(ct))!;
        await using var readConn = await store.DataSource.OpenConnectionAsync(ct);
        await using var readTx = await readConn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await Execute(readConn, $"SET TRANSACTION SNAPSHOT '{snapshot}'", ct);

        Task<IReadOnlyList<(RecordedEvent Event, ulong Tx)>> ReadAfter(ulong tx, long seq) =>
            // An async projection resumes in the daemon from where the rebuild stops, so the rebuild
            // replays only settled events, exactly as the daemon would.
            isAsync ? store.ReadSettledPageAsync(readConn, tx, seq, batchSize, ct) : store.ReadPageAfterAsync(readConn, tx, seq, batchSize, ct);

        ulong lastTx = 0;
        long lastSeq = 0, done = 0;
        var session = new Dictionary<Type, object>();
        var next = ReadAfter(0, 0);
        // Three stages overlap: the next page is read, this page is projected, the previous page's writes run on the
        // server. A projection in a rebuild does not read through the connection (ProjectionContext.Connection), so
        // projecting a page never waits for the writes before it; the writes themselves stay in page order.
        var writing = Task.CompletedTask;
        try
        {
            while (true)
            {
                var page = await next;
                if (page.Count == 0) break;
                (lastTx, lastSeq) = (page[^1].Tx, page[^1].Event.Sequence);
                next = page.Count < batchSize ? Task.FromResult<IReadOnlyList<(RecordedEvent, ulong)>>([]) : Task.Run(() => ReadAfter(lastTx, lastSeq), ct);
                var context = new ProjectionContext(store, conn, isRebuild: true, session);
                var events = page.Select(p => p.Event).ToList();
                foreach (var projection in projections) await projection.ApplyAsync(events, context, ct);
                await writing;
                writing = context.WriteAsync(conn, ct);
                done += page.Count;
                progress?.Report(new RebuildProgress(name, done, Math.Max(total, done), done / Math.Max(watch.Elapsed.TotalSeconds, 0.001)));
            }
            await writing;
        }
        catch
        {
            // Let the page being read and the writes in flight finish before the transactions roll back: a connection
            // busy with a command cannot roll back, and one left inside a transaction would hold back every reader of
            // settled events (the daemon) until it was closed.
            await Quietly(next);
            await Quietly(writing);
            throw;
        }

        await ProjectionContext.CompleteRebuildAsync(store, conn, projections, session, ct);
        foreach (var projection in projections)
            await ProjectionVersions.MarkRebuiltAsync(conn, projection, lastTx, lastSeq, ct);
        await tx.CommitAsync(ct);
        // Fresh statistics at once: plans cached while the tables looked empty would otherwise keep
        // scanning them sequentially until autovacuum gets round to it.
        await Execute(conn, $"ANALYZE {tables}", ct);
        progress?.Report(new RebuildProgress(name, done, done, done / Math.Max(watch.Elapsed.TotalSeconds, 0.001)));
        return done;
    }

    private static async Task Quietly(Task task)
    {
        try { await task; }
        catch { /* the error that matters is the one being rethrown */ }
    }

    private static async Task Execute(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
