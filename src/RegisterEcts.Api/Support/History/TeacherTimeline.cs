using Npgsql;
using RegisterEcts.Teachers.Timeline;

namespace RegisterEcts.Api.Support.History;

/// <param name="HappenedOn">The business date the event is about; <paramref name="RecordedAt"/> is when we learned it.</param>
/// <param name="Changes">What changed, in words ("Start date changed from '1 September 2025' to '27 August 2025'").</param>
/// <param name="PersonalChanges">Changes to personal fields (name, email); "[erased]" once the teacher is erased.</param>
public sealed record TimelineRow(
    long Sequence, long StreamVersion, string EventType, string Heading, DateOnly? HappenedOn, DateTimeOffset RecordedAt,
    string ActorType, string? ActorId, string ActorName, string? Reason, string? SupportTicket,
    IReadOnlyList<string> Changes, IReadOnlyList<string> PersonalChanges);

/// <summary>A teacher's audit timeline from the teacher_timeline projection, newest first, headings worded with today's names.</summary>
public static class TeacherTimeline
{
    public static async Task<IReadOnlyList<TimelineRow>> ReadAsync(NpgsqlDataSource db, Guid teacherId, CancellationToken ct)
    {
        var rows = new List<TimelineRow>();
        await using (var cmd = db.CreateCommand(
            """
            SELECT sequence, stream_version, event_type, heading, happened_on, recorded_at, actor_type, actor_id, actor_name,
                   reason, support_ticket, changes, personal_changes
            FROM teacher_timeline WHERE teacher_id = $1 ORDER BY recorded_at DESC, sequence DESC
            """))
        {
            cmd.Parameters.Add(new() { Value = teacherId });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                rows.Add(new TimelineRow(
                    r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4),
                    r.GetFieldValue<DateTimeOffset>(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8),
                    r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10),
                    r.GetFieldValue<string[]>(11), r.GetFieldValue<string[]>(12)));
        }
        // Headings name teachers by token so an erased name vanishes everywhere; words them with the names held now.
        var ids = rows.SelectMany(row => TimelineText.TeachersIn(row.Heading)).Distinct().ToArray();
        var names = new Dictionary<Guid, string>();
        if (ids.Length > 0)
        {
            await using var cmd = db.CreateCommand("SELECT teacher_id, name FROM teachers WHERE teacher_id = ANY($1)");
            cmd.Parameters.Add(new() { Value = ids });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) names[r.GetGuid(0)] = r.GetString(1);
        }
        return rows.Select(row => row with { Heading = TimelineText.Render(row.Heading, names) }).ToList();
    }
}
