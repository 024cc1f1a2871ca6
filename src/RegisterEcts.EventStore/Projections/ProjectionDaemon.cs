using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace RegisterEcts.EventStore.Projections;

/// <summary>Where an async projection stands.</summary>
/// <param name="Lag">Committed events not applied yet, counted up to <see cref="ProjectionDaemon.LagCountLimit"/>.</param>
/// <param name="ErrorSequence">The first event of the batch that failed, while paused.</param>
public sealed record ProjectionStatus(string Name, int CodeVersion, int StoredVersion, long LastSequence, string State, string? Error, long? ErrorSequence, long Lag);

/// <summary>
/// Applies committed events to the async projections, in (transaction, sequence) order, reading only
/// below the oldest transaction still running. It therefore never skips an event because a writer was
/// slow or rolled back, and never reorders a stream's events. Each batch commits the projection's
/// writes and its progress together, guarded by "progress is still where we read it".
/// An error pauses that projection (visible in <see cref="StatusAsync"/>); nothing is skipped.
/// </summary>
public sealed class ProjectionDaemon(PostgresEventStore store, int batchSize = 500)
{
    private const string ProgressMoved = "ES001";

    /// <summary>
    /// Lag is counted exactly up to this many events: health probes ask often, and counting a
    /// projection that is millions behind would make the probe itself the load.
    /// </summary>
    public const long LagCountLimit = 100_000;

    /// <summary>Runs until cancelled, polling when there is nothing to do.</summary>
    public async Task RunAsync(TimeSpan idleDelay, CancellationToken ct)
    {
        await EnsureProgressRowsAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            int applied;
            try
            {
                applied = await RunOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException)
            {
                // The database is unreachable for now: nothing was applied, so wait and try again.
                applied = 0;
            }
            if (applied == 0)
            {
                try { await Task.Delay(idleDelay, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// Applies every event committed before this call to every running projection, and returns how many
    /// events were applied. Events only become readable once every older transaction in the cluster has
    /// finished, so this waits for those rather than stopping early; it gives up after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct = default, TimeSpan? timeout = null)
    {
        await EnsureProgressRowsAsync(ct);
        var target = await HeadAsync(ct);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var total = 0;
        while (true)
        {
            var applied = await RunOnceAsync(ct);
            total += applied;
            if (applied > 0) continue;
            if (target is null || await ReachedAsync(target.Value, ct)) return total;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Projections did not reach the head of the log in time: a long-running transaction is holding back what the daemon may read.");
            await Task.Delay(10, ct);
        }
    }

    private async Task<(ulong Tx, long Seq)?> HeadAsync(CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand("SELECT tx_id, seq FROM es_events ORDER BY tx_id DESC, seq DESC LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Every running projection is at or past the head; paused ones never will be, so they do not count.</summary>
    private async Task<bool> ReachedAsync((ulong Tx, long Seq) head, CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand(
            "SELECT NOT EXISTS (SELECT 1 FROM es_projection_progress WHERE name = ANY($1) AND status = 'running' AND (last_tx, last_seq) < ($2, $3))");
        cmd.Parameters.Add(new() { Value = store.AsyncProjections.Select(p => p.Name).ToArray() });
        cmd.Parameters.Add(new() { Value = head.Tx, NpgsqlDbType = NpgsqlDbType.Xid8 });
        cmd.Parameters.Add(new() { Value = head.Seq });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One batch for each running projection. Returns the number of events applied in all.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var total = 0;
        foreach (var projection in store.AsyncProjections)
            total += await RunBatchAsync(projection, ct);
        return total;
    }

    /// <summary>Clears a paused projection's error so it retries from where it stopped.</summary>
    public async Task ResumeAsync(string name, CancellationToken ct = default)
    {
        await using var cmd = store.DataSource.CreateCommand("UPDATE es_projection_progress SET status = 'running', error = NULL, error_seq = NULL, updated_at = now() WHERE name = $1");
        cmd.Parameters.Add(new() { Value = name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<ProjectionStatus>> StatusAsync(CancellationToken ct = default)
    {
        await EnsureProgressRowsAsync(ct);
        var result = new List<ProjectionStatus>();
        await using var cmd = store.DataSource.CreateCommand(
            """
            SELECT p.name, p.version, p.last_seq, p.status, p.error, p.error_seq,
                   (SELECT count(*) FROM (SELECT 1 FROM es_events e WHERE (e.tx_id, e.seq) > (p.last_tx, p.last_seq) LIMIT $2) behind)
            FROM es_projection_progress p WHERE p.name = ANY($1) ORDER BY p.name
            """);
        cmd.Parameters.Add(new() { Value = store.AsyncProjections.Select(p => p.Name).ToArray() });
        cmd.Parameters.Add(new() { Value = LagCountLimit });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var name = reader.GetString(0);
            var lag = reader.GetInt64(6);
            EventStoreTelemetry.RecordLag(name, lag);
            result.Add(new ProjectionStatus(name, store.AsyncProjections.First(p => p.Name == name).Version, reader.GetInt32(1), reader.GetInt64(2),
                reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt64(5), lag));
        }
        return result;
    }

    private async Task EnsureProgressRowsAsync(CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand(
            "INSERT INTO es_projection_progress (name, version) SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT (name) DO NOTHING");
        cmd.Parameters.Add(new() { Value = store.AsyncProjections.Select(p => p.Name).ToArray() });
        cmd.Parameters.Add(new() { Value = store.AsyncProjections.Select(p => p.Version).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<int> RunBatchAsync(IProjection projection, CancellationToken ct)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        ulong fromTx;
        long fromSeq;
        await using (var cmd = new NpgsqlCommand("SELECT last_tx, last_seq, status FROM es_projection_progress WHERE name = $1", conn) { Parameters = { new() { Value = projection.Name } } })
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct) || reader.GetString(2) != "running") return 0;
            fromTx = reader.GetFieldValue<ulong>(0);
            fromSeq = reader.GetInt64(1);
        }

        // Stream types looked up for this page only: a daemon kept running for months would otherwise hold every stream's.
        var page = await store.ReadSettledPageAsync(conn, fromTx, fromSeq, batchSize, [], ct);
        if (page.Count == 0)
        {
            EventStoreTelemetry.RecordLag(projection.Name, 0);
            return 0;
        }

        using var activity = EventStoreTelemetry.Source.StartActivity("es.projection.batch");
        activity?.SetTag("es.projection", projection.Name);
        activity?.SetTag("es.events", page.Count);
        var events = page.Select(p => p.Event).ToList();
        var (toTx, toSeq) = (page[^1].Tx, page[^1].Event.Sequence);
        try
        {
            await using (var begin = new NpgsqlCommand("BEGIN", conn)) await begin.ExecuteNonQueryAsync(ct);
            var context = new ProjectionContext(store, conn);
            await projection.ApplyAsync(events, context, ct);
            await using var batch = new NpgsqlBatch(conn);
            foreach (var command in context.Commands) batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT es_advance_progress($1, $2, $3, $4, $5)")
            {
                Parameters =
                {
                    new() { Value = projection.Name },
                    new() { Value = fromTx, NpgsqlDbType = NpgsqlDbType.Xid8 },
                    new() { Value = fromSeq },
                    new() { Value = toTx, NpgsqlDbType = NpgsqlDbType.Xid8 },
                    new() { Value = toSeq },
                },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == ProgressMoved)
        {
            // Another runner applied this batch first; ours rolled back whole, so nothing was applied twice.
            await RollbackAsync(conn);
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not NpgsqlException { IsTransient: true })
        {
            await RollbackAsync(conn);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await PauseAsync(conn, projection.Name, events[0].Sequence, ex, ct);
            return 0;
        }
        catch
        {
            await RollbackAsync(conn);
            throw;
        }
        EventStoreTelemetry.ProjectedEvents.Add(events.Count, new KeyValuePair<string, object?>("projection", projection.Name));
        return events.Count;
    }

    private async Task PauseAsync(NpgsqlConnection conn, string name, long sequence, Exception ex, CancellationToken ct)
    {
        const string pause = "UPDATE es_projection_progress SET status = 'paused', error = $2, error_seq = $3, updated_at = now() WHERE name = $1";
        // On the batch's own connection, rolled back and idle. A second one from the pool, taken while this one is held, waited
        // for a connection that never came whenever the runners held every pooled connection, and the pause was never recorded.
        // A connection the failure broke has rolled back on the server; the pause then goes through the pool.
        await using var cmd = conn.FullState == System.Data.ConnectionState.Open
            ? new NpgsqlCommand(pause, conn)
            : store.DataSource.CreateCommand(pause);
        cmd.Parameters.Add(new() { Value = name });
        cmd.Parameters.Add(new() { Value = $"{ex.GetType().Name}: {ex.Message}" });
        cmd.Parameters.Add(new() { Value = sequence });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task RollbackAsync(NpgsqlConnection conn)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", conn);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // A broken connection has rolled back on the server already.
        }
    }
}
