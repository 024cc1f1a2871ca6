using Npgsql;

namespace RegisterEcts.EventStore.Projections;

/// <summary>An inline projection's code version against the version its tables were built by.</summary>
public sealed record InlineProjectionStatus(string Name, int CodeVersion, int? StoredVersion, bool Stale);

/// <summary>
/// Inline projections are written by every append, so "position" means nothing for them; what can go wrong
/// is a deploy whose projection code (its <see cref="IProjection.Version"/>) no longer matches the tables.
/// The version that built the tables is kept in es_projection_progress, as for async projections.
/// </summary>
public static class ProjectionVersions
{
    /// <summary>
    /// Each inline projection's versions. A projection never recorded is recorded at its code version when its
    /// tables can be trusted: the store has no events yet, or the tables hold rows (they were kept inline from
    /// the start). Empty tables beside existing events mean a projection added later: stale until rebuilt.
    /// </summary>
    public static async Task<IReadOnlyList<InlineProjectionStatus>> InlineAsync(PostgresEventStore store, CancellationToken ct = default)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        var stored = new Dictionary<string, int>();
        await using (var cmd = new NpgsqlCommand("SELECT name, version FROM es_projection_progress", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) stored[reader.GetString(0)] = reader.GetInt32(1);

        var result = new List<InlineProjectionStatus>();
        bool? anyEvents = null;
        foreach (var p in store.InlineProjections)
        {
            if (!stored.TryGetValue(p.Name, out var version))
            {
                anyEvents ??= await ExistsAsync(conn, "SELECT EXISTS (SELECT 1 FROM es_events)", ct);
                var trusted = anyEvents == false || p.Tables.Count == 0;
                foreach (var table in p.Tables)
                    trusted = trusted || await ExistsAsync(conn, $"SELECT EXISTS (SELECT 1 FROM {SchemaMigrator.QuoteIdent(table)})", ct);
                if (!trusted)
                {
                    result.Add(new(p.Name, p.Version, null, true));
                    continue;
                }
                await RecordAsync(conn, p, ct);
                version = p.Version;
            }
            result.Add(new(p.Name, p.Version, version, version != p.Version));
        }
        return result;
    }

    internal static async Task RecordAsync(NpgsqlConnection conn, IProjection projection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO es_projection_progress (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version, updated_at = now()", conn)
        { Parameters = { new() { Value = projection.Name }, new() { Value = projection.Version } } };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>After a rebuild: the tables are at the code version and (for async projections) at this position.</summary>
    internal static async Task MarkRebuiltAsync(NpgsqlConnection conn, IProjection projection, ulong lastTx, long lastSeq, CancellationToken ct)
    {
        await using var mark = new NpgsqlCommand(
            """
            INSERT INTO es_projection_progress (name, version, last_tx, last_seq, status) VALUES ($1, $2, $3, $4, 'running')
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, last_tx = excluded.last_tx, last_seq = excluded.last_seq,
                status = 'running', error = NULL, error_seq = NULL, updated_at = now()
            """, conn)
        {
            Parameters =
            {
                new() { Value = projection.Name }, new() { Value = projection.Version },
                new() { Value = lastTx, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Xid8 }, new() { Value = lastSeq },
            },
        };
        await mark.ExecuteNonQueryAsync(ct);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
