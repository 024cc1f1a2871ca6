using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.Support.History;

/// <param name="HappenedOn">The business date the event is about; <paramref name="RecordedAt"/> is when we learned it.</param>
/// <param name="Changes">Fields that changed, with old and new values.</param>
/// <param name="PersonalChanges">Personal fields that changed (name, email): named only, their values are not repeated here.</param>
public sealed record TimelineEntry(
    long Sequence, long StreamVersion, string EventType, string Heading, DateOnly? HappenedOn, DateTimeOffset RecordedAt,
    string ActorType, string ActorId, string ActorName, string? Reason, string? SupportTicket,
    IReadOnlyList<string> Changes, IReadOnlyList<string> PersonalChanges);

/// <summary>A teacher's audit timeline, newest first.</summary>
public static partial class TeacherTimeline
{
    public static async Task<IReadOnlyList<TimelineEntry>> ReadAsync(NpgsqlDataSource db, Guid teacherId, IReadOnlyList<RecordedEvent> stream, CancellationToken ct)
    {
        // The projected table (plain-English headings) when this database has it; otherwise the same entries from the stream.
        await using (var exists = db.CreateCommand("SELECT to_regclass('teacher_timeline') IS NOT NULL"))
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
                return await FromTableAsync(db, teacherId, ct);
        return FromStream(stream);
    }

    private static async Task<IReadOnlyList<TimelineEntry>> FromTableAsync(NpgsqlDataSource db, Guid teacherId, CancellationToken ct)
    {
        var rows = new List<TimelineEntry>();
        await using (var cmd = db.CreateCommand(
            """
            SELECT sequence, stream_version, event_type, heading, happened_on, recorded_at, actor_type, actor_id, actor_name,
                   reason, support_ticket, changes, personal_changes
            FROM teacher_timeline WHERE teacher_id = $1 ORDER BY sequence DESC
            """))
        {
            cmd.Parameters.Add(new() { Value = teacherId });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                rows.Add(new TimelineEntry(
                    r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4),
                    r.GetFieldValue<DateTimeOffset>(5), r.GetString(6), r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
                    r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? [] : r.GetFieldValue<string[]>(11), r.IsDBNull(12) ? [] : r.GetFieldValue<string[]>(12)));
        }
        var ids = rows.SelectMany(row => TeacherToken().Matches(row.Heading)).Select(m => Guid.Parse(m.Groups[1].Value)).Distinct().ToArray();
        if (ids.Length == 0) return rows;
        var names = new Dictionary<Guid, string>();
        await using (var cmd = db.CreateCommand("SELECT teacher_id, name FROM teacher_trns WHERE teacher_id = ANY($1)"))
        {
            cmd.Parameters.Add(new() { Value = ids });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) names[r.GetGuid(0)] = r.GetString(1);
        }
        return rows.Select(row => row with
        {
            Heading = TeacherToken().Replace(row.Heading, m => names.GetValueOrDefault(Guid.Parse(m.Groups[1].Value)) ?? "another teacher"),
        }).ToList();
    }

    /// <summary>One entry per event: what it changed in the record, worked out by folding the stream before and after it.</summary>
    public static IReadOnlyList<TimelineEntry> FromStream(IReadOnlyList<RecordedEvent> stream)
    {
        var entries = new List<TimelineEntry>(stream.Count);
        var state = RegisterEcts.Teachers.Teacher.Initial;
        TeacherRecord? before = null;
        foreach (var e in stream)
        {
            state = RegisterEcts.Teachers.Teacher.Evolve(state, e.Data);
            var after = TeacherRecord.From(e.StreamId, state);
            var (changes, personal) = FieldDiff.Describe(before, after);
            before = after;
            entries.Add(new TimelineEntry(
                e.Sequence, e.Version, e.TypeName, Heading(e.TypeName), HappenedOn(e.Data), e.RecordedAt,
                e.Metadata.Actor.Type, e.Metadata.Actor.Id, e.Metadata.Actor.DisplayName, e.Metadata.Reason, e.Metadata.SupportTicket,
                changes, personal));
        }
        entries.Reverse();
        return entries;
    }

    private static string Heading(string typeName)
    {
        var words = typeName.Replace('_', ' ').Replace(" ect", " ECT");
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    // Every teacher event carries its business date as a DateOnly named …On (StartedOn, LeftOn, CorrectedOn…); a correction is about the date it sets.
    private static DateOnly? HappenedOn(object data) =>
        data.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(DateOnly) && p.Name.EndsWith("On", StringComparison.Ordinal))
            .OrderByDescending(p => p.Name.StartsWith("To", StringComparison.Ordinal))
            .Select(p => (DateOnly?)p.GetValue(data)).FirstOrDefault();

    [GeneratedRegex(@"\{teacher:([0-9a-fA-F-]{36})\}")]
    private static partial Regex TeacherToken();
}
