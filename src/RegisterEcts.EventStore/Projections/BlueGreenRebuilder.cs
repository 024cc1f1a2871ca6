using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace RegisterEcts.EventStore.Projections;

/// <summary>What a blue/green rebuild did: events replayed, and how long appends waited at the switch.</summary>
public sealed record BlueGreenResult(long Events, TimeSpan AppendsPaused);

/// <summary>
/// Rebuilds projections without taking them offline: the next version's tables are built in a side schema
/// (same shape as the live ones, after migrations) from every settled event while appends and reads carry
/// on against the live tables; it catches up; then, holding the append gate (see PostgresEventStore.HoldAppendGateAsync), it
/// applies the last few events and swaps the tables in one transaction. Appends wait only for that final
/// step; readers see the old tables until the commit and the new ones after, never a half-built table.
/// </summary>
public sealed class BlueGreenRebuilder(PostgresEventStore store, int batchSize = 5_000)
{
    /// <summary>Catch-up stops and the switch starts once a pass finds fewer new events than this.</summary>
    public int SwitchBelow { get; init; } = 500;

    public async Task<BlueGreenResult> RebuildAsync(IReadOnlyList<IProjection> projections, IProgress<RebuildProgress>? progress = null, CancellationToken ct = default)
    {
        var tables = projections.SelectMany(p => p.Tables).ToList();
        if (tables.Count == 0) throw new InvalidOperationException("These projections declare no tables, so there is nothing to rebuild into.");
        using var activity = EventStoreTelemetry.Source.StartActivity("es.projection.rebuild_blue_green");
        var name = string.Join("+", projections.Select(p => p.Name));
        activity?.SetTag("es.projection", name);
        var live = SchemaMigrator.QuoteIdent(store.Schema);
        var side = SchemaMigrator.QuoteIdent($"{store.Schema}_next");
        var watch = Stopwatch.StartNew();

        await using (var conn = await store.DataSource.OpenConnectionAsync(ct))
        {
            await Execute(conn, $"DROP SCHEMA IF EXISTS {side} CASCADE; CREATE SCHEMA {side}", ct);
            foreach (var t in tables.Select(SchemaMigrator.QuoteIdent))
                await Execute(conn, $"CREATE TABLE {side}.{t} (LIKE {live}.{t} INCLUDING ALL)", ct);
            // LIKE does not copy the columns' statistics targets: without this, a switch would quietly drop the SET STATISTICS
            // a migration gave the live tables.
            var targets = new List<string>();
            await using (var cmd = new NpgsqlCommand(
                """
                SELECT format('ALTER TABLE %I.%I ALTER COLUMN %I SET STATISTICS %s', $1::text, r.relname, a.attname, a.attstattarget)
                FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
                WHERE r.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = $2) AND r.relname = ANY($3) AND a.attnum > 0 AND NOT a.attisdropped AND a.attstattarget >= 0
                """, conn) { Parameters = { new() { Value = $"{store.Schema}_next" }, new() { Value = store.Schema }, new() { Value = tables.ToArray() } } })
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) targets.Add(reader.GetString(0));
            foreach (var alter in targets) await Execute(conn, alter, ct);
        }

        // A connection whose unqualified table names find the side tables first and the event log behind them.
        var builder = new NpgsqlDataSourceBuilder(store.Options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = $"{store.Schema}_next,{store.Schema},public";
        await using var sideSource = builder.Build();
        await using var sideConn = await sideSource.OpenConnectionAsync(ct);

        long total;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM es_events", sideConn))
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        var session = new Dictionary<Type, object>();
        var streamTypes = new Dictionary<Guid, string>();
        ulong lastTx = 0;
        long lastSeq = 0, done = 0;

        async Task<int> ApplyPageAsync(bool settledOnly)
        {
            await using var tx = await sideConn.BeginTransactionAsync(ct);
            var page = settledOnly
                ? await store.ReadSettledPageAsync(sideConn, lastTx, lastSeq, batchSize, streamTypes, ct)
                : await store.ReadPageAfterAsync(sideConn, lastTx, lastSeq, batchSize, streamTypes, ct);
            if (page.Count > 0)
            {
                var context = new ProjectionContext(store, sideConn, isRebuild: true, session);
                var events = page.Select(p => p.Event).ToList();
                foreach (var projection in projections) await projection.ApplyAsync(events, context, ct);
                await context.WriteAsync(sideConn, ct);
                (lastTx, lastSeq) = (page[^1].Tx, page[^1].Event.Sequence);
                done += page.Count;
            }
            await tx.CommitAsync(ct);
            progress?.Report(new RebuildProgress(name, done, Math.Max(total, done), done / Math.Max(watch.Elapsed.TotalSeconds, 0.001)));
            return page.Count;
        }

        // Rows a projection folded in memory go to the side tables at the end of each pass, so the switch writes
        // only what the last few pages added.
        async Task CompleteAsync()
        {
            await using var tx = await sideConn.BeginTransactionAsync(ct);
            await ProjectionContext.CompleteRebuildAsync(store, sideConn, projections, session, ct);
            await tx.CommitAsync(ct);
        }

        // Build and catch up while appends continue.
        int applied;
        do
        {
            var pass = 0;
            while ((applied = await ApplyPageAsync(settledOnly: true)) == batchSize) pass += applied;
            pass += applied;
            await CompleteAsync();
            if (pass < SwitchBelow) break;
        } while (true);

        // Switch: hold the append gate, apply what committed meanwhile, swap the tables, record the versions.
        await using var liveConn = await store.DataSource.OpenConnectionAsync(ct);
        await using var liveTx = await liveConn.BeginTransactionAsync(ct);
        await store.HoldAppendGateAsync(liveConn, ct);
        var paused = Stopwatch.StartNew();
        // Every append has finished or waits at the gate, so all events are committed and visible.
        while (await ApplyPageAsync(settledOnly: false) > 0) { }
        await CompleteAsync();
        foreach (var t in tables.Select(SchemaMigrator.QuoteIdent))
            await Execute(liveConn, $"DROP TABLE {live}.{t}; ALTER TABLE {side}.{t} SET SCHEMA {live}", ct);
        foreach (var projection in projections)
            await ProjectionVersions.MarkRebuiltAsync(liveConn, projection, lastTx, lastSeq, ct);
        await liveTx.CommitAsync(ct);
        paused.Stop();

        await Execute(liveConn, $"DROP SCHEMA {side} CASCADE", ct);
        await Execute(liveConn, $"ANALYZE {string.Join(", ", tables.Select(t => $"{live}.{SchemaMigrator.QuoteIdent(t)}"))}", ct);
        activity?.SetTag("es.appends_paused_ms", paused.Elapsed.TotalMilliseconds);
        progress?.Report(new RebuildProgress(name, done, done, done / Math.Max(watch.Elapsed.TotalSeconds, 0.001)));
        return new BlueGreenResult(done, paused.Elapsed);
    }

    private static async Task Execute(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        // No timeout, as in the offline rebuild: creating, analysing and dropping tables of a million teachers takes longer than 30 s.
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
