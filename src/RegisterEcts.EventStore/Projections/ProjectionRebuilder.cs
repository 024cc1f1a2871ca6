using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace RegisterEcts.EventStore.Projections;

public sealed record RebuildProgress(string Projection, long Done, long Total, double EventsPerSecond);

/// <summary>
/// Offline rebuild: empty a projection's tables and replay every event into them, in one transaction per writer (see RebuildAsync).
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
        // One writer per projection, each on its own connection and transaction: the server then writes the projections'
        // tables on as many backends at once, where one backend writing them all in turn was the limit of a full rebuild.
        // Their queued SQL only ever touches their own tables, so nothing needs another writer's uncommitted rows.
        // A pool too small for that shares writers between projections, in turn on one connection, rather than waiting for
        // connections its own writers hold until the pool gives up (with all ten projections, any pool under eleven did).
        var writers = Writers(projections, WriterLimit(store.DataSource.ConnectionString));
        try
        {
            await LockAsync(writers, ct);
            // The snapshot is taken here, after every lock: appends that committed while we waited are included,
            // and those still to commit apply their own inline writes once we release the locks.
            await using var readConn = await store.DataSource.OpenConnectionAsync(ct);
            await using var readTx = await readConn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            long total;
            await using (var count = new NpgsqlCommand("SELECT count(*) FROM es_events", readConn))
                total = (long)(await count.ExecuteScalarAsync(ct))!;

            // Every stream's type, looked up once for the whole rebuild (pages are read one at a time).
            var streamTypes = new Dictionary<Guid, string>();
            Task<IReadOnlyList<(RecordedEvent Event, ulong Tx)>> ReadAfter(ulong tx, long seq) =>
                // An async projection resumes in the daemon from where the rebuild stops, so the rebuild
                // replays only settled events, exactly as the daemon would.
                isAsync
                    ? store.ReadSettledPageAsync(readConn, tx, seq, batchSize, streamTypes, ct)
                    : store.ReadPageAfterAsync(readConn, tx, seq, batchSize, streamTypes, ct);

            ulong lastTx = 0;
            long lastSeq = 0, done = 0;
            var session = new Dictionary<Type, object>();
            // Three stages overlap: the next page is read, this page is projected, the previous page's writes run on the
            // server. A projection in a rebuild does not read through the connection (ProjectionContext.Connection), so
            // projecting a page never waits for the writes before it; each writer's writes stay in page order.
            var next = ReadAfter(0, 0);
            try
            {
                while (true)
                {
                    var page = await next;
                    if (page.Count == 0) break;
                    (lastTx, lastSeq) = (page[^1].Tx, page[^1].Event.Sequence);
                    next = page.Count < batchSize ? Task.FromResult<IReadOnlyList<(RecordedEvent, ulong)>>([]) : Task.Run(() => ReadAfter(lastTx, lastSeq), ct);
                    var events = page.Select(p => p.Event).ToList();
                    var contexts = new List<ProjectionContext[]>(writers.Count);
                    foreach (var writer in writers)
                    {
                        contexts.Add(Contexts(writer, session));
                        for (var i = 0; i < writer.Projections.Count; i++) await writer.Projections[i].ApplyAsync(events, contexts[^1][i], ct);
                    }
                    await Task.WhenAll(writers.Select(w => w.Writing));
                    for (var i = 0; i < writers.Count; i++) writers[i].Writing = WriteAsync(writers[i].Connection, contexts[i], ct);
                    done += page.Count;
                    progress?.Report(new RebuildProgress(name, done, Math.Max(total, done), done / Math.Max(watch.Elapsed.TotalSeconds, 0.001)));
                }
            }
            finally
            {
                // A connection busy with a command cannot roll back: let the page being read finish first.
                await Quietly(next);
            }

            // What each projection folded in memory, then its version and position, all on its own writer; then every commit.
            foreach (var writer in writers)
            {
                var contexts = Contexts(writer, session);
                for (var i = 0; i < writer.Projections.Count; i++) await writer.Projections[i].CompleteRebuildAsync(contexts[i], ct);
                writer.Writing = CompleteAsync(writer, contexts, lastTx, lastSeq, ct);
            }
            await Task.WhenAll(writers.Select(w => w.Writing));
            foreach (var writer in writers) await writer.Transaction!.CommitAsync(ct);
            await AnalyseUnplannableAsync(writers, ct);
            progress?.Report(new RebuildProgress(name, done, done, done / Math.Max(watch.Elapsed.TotalSeconds, 0.001)));
            return done;
        }
        finally
        {
            // Writes in flight finish before their transactions roll back: a connection left inside a transaction would
            // hold back every reader of settled events (the daemon) until it was closed.
            foreach (var writer in writers)
            {
                await Quietly(writer.Writing);
                await writer.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// ANALYZE, but only where the planner would otherwise plan blind. Column statistics survive TRUNCATE, and the planner sizes a
    /// table by its pages on disk, not by the row count the last ANALYZE saw, so a rebuilt table whose columns all have
    /// statistics is planned well at once; autovacuum refreshes them within a minute, as the rows just copied count towards its
    /// threshold. Analysing every rebuilt table here cost the server 0.64-0.67 s of CPU at 20,000 careers, about a seventh of a
    /// full rebuild's server time, and came after the last row, when nothing else overlaps it. A table with a column that
    /// has no statistics (its first build, a column a new version added, a table that was empty when last analysed) is
    /// analysed now, each on its writer's connection, side by side.
    /// </summary>
    private static async Task AnalyseUnplannableAsync(List<Writer> writers, CancellationToken ct)
    {
        var blind = new HashSet<string>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT DISTINCT t.name FROM unnest($1::text[]) AS t(name)
            JOIN pg_class c ON c.oid = quote_ident(t.name)::regclass
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND coalesce(a.attstattarget, -1) <> 0 -- 0: never analysed, by design (NULL is the default from PostgreSQL 17)
            WHERE NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname)
            """, writers[0].Connection))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = writers.SelectMany(w => w.TableNames).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) blind.Add(reader.GetString(0));
        }
        await Task.WhenAll(writers
            .Select(w => (w.Connection, Tables: w.TableNames.Where(blind.Contains).Select(SchemaMigrator.QuoteIdent).ToList()))
            .Where(w => w.Tables.Count > 0)
            .Select(w => Execute(w.Connection, $"ANALYZE {string.Join(", ", w.Tables)}", ct)));
    }

    private static async Task CompleteAsync(Writer writer, ProjectionContext[] contexts, ulong lastTx, long lastSeq, CancellationToken ct)
    {
        await writer.Writing;
        await WriteAsync(writer.Connection, contexts, ct);
        foreach (var projection in writer.Projections) await ProjectionVersions.MarkRebuiltAsync(writer.Connection, projection, lastTx, lastSeq, ct);
    }

    /// <summary>A rebuild context for each of a writer's projections, all on the writer's connection.</summary>
    private ProjectionContext[] Contexts(Writer writer, Dictionary<Type, object> session) =>
        writer.Projections.Select(_ => new ProjectionContext(store, writer.Connection, isRebuild: true, session)).ToArray();

    /// <summary>A writer's projections' writes, one projection after another on its one connection.</summary>
    private static async Task WriteAsync(NpgsqlConnection connection, ProjectionContext[] contexts, CancellationToken ct)
    {
        foreach (var context in contexts) await context.WriteAsync(connection, ct);
    }

    /// <summary>
    /// How many writers the pool allows: every writer holds a connection for the whole rebuild, and the log is read on one more.
    /// </summary>
    private static int WriterLimit(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!settings.Pooling) return int.MaxValue;
        if (settings.MaxPoolSize < 2)
            throw new InvalidOperationException(
                $"A rebuild needs two connections at least (one reads the log inside one snapshot while another writes), and the pool allows {settings.MaxPoolSize}: raise Maximum Pool Size.");
        return settings.MaxPoolSize - 1;
    }

    /// <summary>One writer per projection up to the limit; beyond it, projections are dealt round the writers in turn.</summary>
    private static List<Writer> Writers(IReadOnlyList<IProjection> projections, int limit)
    {
        var count = Math.Min(projections.Count, limit);
        return Enumerable.Range(0, count).Select(w => new Writer(projections.Where((_, i) => i % count == w).ToList())).ToList();
    }

    /// <summary>
    /// Every writer opens its transaction and locks its projection's tables, then empties them. A writer holding its locks
    /// must never wait for one that does not: an append holding a row lock on one writer's table may be queued behind
    /// another writer's lock, and that cycle passes through this process, where the server cannot see it. So each
    /// lock waits a short while only; if any times out, all let go and try again a little later.
    /// </summary>
    private async Task LockAsync(List<Writer> writers, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.WhenAll(writers.Select(async w =>
                {
                    w.Connection = await store.DataSource.OpenConnectionAsync(ct);
                    w.Transaction = await w.Connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
                    await Execute(w.Connection, $"SET LOCAL lock_timeout = '{LockWait.TotalMilliseconds:0}ms'; LOCK TABLE {w.Tables} IN ACCESS EXCLUSIVE MODE; " +
                        $"SET LOCAL lock_timeout = 0; TRUNCATE {w.Tables}", ct);
                }));
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                foreach (var writer in writers) await writer.DisposeAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * Math.Min(attempt, 10)), ct);
            }
        }
    }

    /// <summary>How long one writer waits for its tables' locks before every writer lets go and tries again.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMilliseconds(500);

    /// <summary>The connection and transaction of one or more projections in a rebuild, with the writes it has in flight.</summary>
    private sealed class Writer(IReadOnlyList<IProjection> projections) : IAsyncDisposable
    {
        public IReadOnlyList<IProjection> Projections { get; } = projections;
        public IReadOnlyList<string> TableNames { get; } = projections.SelectMany(p => p.Tables).ToList();
        public string Tables => string.Join(", ", TableNames.Select(SchemaMigrator.QuoteIdent));
        public NpgsqlConnection Connection { get; set; } = null!;
        public NpgsqlTransaction? Transaction { get; set; }
        public Task Writing { get; set; } = Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            if (Transaction is not null) await Transaction.DisposeAsync();
            if (Connection is not null) await Connection.DisposeAsync();
            (Transaction, Connection, Writing) = (null, null!, Task.CompletedTask);
        }
    }

    private static async Task Quietly(Task task)
    {
        try { await task; }
        catch { /* the error that matters is the one being rethrown */ }
    }

    private static async Task Execute(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        // No timeout: at a million teachers the closing ANALYZE of seven projections' tables side by side (a first build's) took
        // more than the connection's default 30 s, and a rebuild that had committed every row reported failure.
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
