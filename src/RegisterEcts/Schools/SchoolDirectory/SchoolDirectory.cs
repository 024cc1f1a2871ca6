using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.Schools.SchoolDirectory;

public sealed record SchoolRow(Guid SchoolId, int Urn, string Name, SchoolStatus Status, bool Eligible, IReadOnlyList<int> PreviousUrns, DateOnly? ClosedOn, bool Independent = false);

/// schools: the school behind a URN (current or previous, so academisation keeps old links working).
public sealed class SchoolDirectoryProjection : IProjection
{
    public string Name => "schools";

    public IReadOnlyList<string> Tables => ["schools"];

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case SchoolOpened o:
                    context.Enqueue("INSERT INTO schools (school_id, urn, name, status, eligible, independent) VALUES ($1, $2, $3, 'open', $4, $5)", o.SchoolId, o.Urn, o.Name, o.Eligible, o.Independent);
                    break;
                case SchoolDetailsChanged d:
                    context.Enqueue("UPDATE schools SET name = $2, eligible = $3, independent = $4 WHERE school_id = $1", d.SchoolId, d.Name, d.Eligible, d.Independent);
                    break;
                case SchoolUrnChanged u:
                    context.Enqueue("UPDATE schools SET urn = $2, previous_urns = previous_urns || $3 WHERE school_id = $1", u.SchoolId, u.ToUrn, u.FromUrn);
                    break;
                case SchoolMerged m:
                    context.Enqueue("UPDATE schools SET status = 'merged', closed_on = $2 WHERE school_id = $1", m.SchoolId, m.MergedOn);
                    break;
                case SchoolClosed c:
                    context.Enqueue("UPDATE schools SET status = 'closed', closed_on = $2 WHERE school_id = $1", c.SchoolId, c.ClosedOn);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    private const string Columns = "school_id, urn, name, status, eligible, previous_urns, closed_on, independent";

    /// By current URN first, then by a URN the school had before academisation. Two index lookups (the unique URN, the
    /// GIN index on previous_urns through @>): "urn = $1 OR $1 = ANY (previous_urns)" read every school, on every
    /// request a school makes. The second is gated on the first finding nothing (a one-time filter), so the usual
    /// request, by a current URN, never searches the previous ones. A union sorted by rank searched both every time:
    /// about 25 µs either way once vacuumed, but 1 ms at 25,000 schools while the GIN index's pending list still held
    /// a fresh import.
    public static async Task<SchoolRow?> FindByUrnAsync(NpgsqlDataSource db, int urn, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"""
            SELECT {Columns} FROM schools WHERE urn = $1
            UNION ALL
            (SELECT {Columns} FROM schools WHERE previous_urns @> ARRAY[$1::integer] AND NOT EXISTS (SELECT FROM schools WHERE urn = $1) LIMIT 1)
            """);
        cmd.Parameters.Add(new() { Value = urn });
        return (await ReadAsync(cmd, ct)).FirstOrDefault();
    }

    public static async Task<IReadOnlyList<SchoolRow>> ListAsync(NpgsqlDataSource db, int afterUrn, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM schools WHERE urn > $1 ORDER BY urn LIMIT $2");
        cmd.Parameters.Add(new() { Value = afterUrn });
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadAsync(cmd, ct);
    }

    private static async Task<List<SchoolRow>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<SchoolRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new(r.GetGuid(0), r.GetInt32(1), r.GetString(2), Enum.Parse<SchoolStatus>(r.GetString(3), ignoreCase: true), r.GetBoolean(4),
                r.GetFieldValue<int[]>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6), r.GetBoolean(7)));
        return rows;
    }
}

public static class SchoolDirectoryQueries
{
    /// Every URN the service knows (current and previous) with its school, for the GIAS planner.
    public static async Task<IReadOnlyDictionary<int, Guid>> KnownUrnsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var ids = new Dictionary<int, Guid>();
        await using var cmd = db.CreateCommand("SELECT urn, school_id FROM schools UNION ALL SELECT unnest(previous_urns), school_id FROM schools");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids[r.GetInt32(0)] = r.GetGuid(1);
        return ids;
    }
}
