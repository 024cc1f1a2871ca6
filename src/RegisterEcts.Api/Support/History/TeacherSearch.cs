using Npgsql;

namespace RegisterEcts.Api.Support.History;

public sealed record SearchSchool(int Urn, string Name, string Role, DateOnly StartedOn, DateOnly? FinishedOn);

public sealed record TeacherMatch(Guid TeacherId, string Trn, string Name, IReadOnlyList<SearchSchool> Schools);

/// <summary>Finds teachers by TRN, name, email or the URN of a school they are or were at.</summary>
public static class TeacherSearch
{
    public const int Limit = 50;

    public static async Task<IReadOnlyList<TeacherMatch>> FindAsync(NpgsqlDataSource db, string q, CancellationToken ct)
    {
        var text = q.Trim();
        var urn = int.TryParse(text, out var n) ? n : (int?)null;
        // LIKE wildcards in what was typed are matched literally.
        var pattern = "%" + text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
        await using var cmd = db.CreateCommand(
            """
            WITH periods AS (
                SELECT teacher_id, school_id, 'ect' AS role, dates, email FROM ect_at_school_periods
                UNION ALL
                SELECT teacher_id, school_id, 'mentor', dates, email FROM mentor_at_school_periods
            ),
            found AS (
                SELECT teacher_id FROM teacher_trns WHERE trn = $1 OR name ILIKE $2
                UNION
                SELECT teacher_id FROM periods WHERE email ILIKE $2
                UNION
                SELECT p.teacher_id FROM periods p JOIN schools s ON s.school_id = p.school_id
                WHERE $3::int IS NOT NULL AND (s.urn = $3 OR $3 = ANY (s.previous_urns))
            )
            SELECT t.teacher_id, t.trn, t.name, s.urn, s.name, p.role, lower(p.dates), upper(p.dates) - 1
            FROM teacher_trns t
            JOIN (SELECT teacher_id FROM found ORDER BY teacher_id LIMIT $4) f ON f.teacher_id = t.teacher_id
            LEFT JOIN periods p ON p.teacher_id = t.teacher_id
            LEFT JOIN schools s ON s.school_id = p.school_id
            ORDER BY t.name, t.trn, lower(p.dates) DESC
            """);
        cmd.Parameters.Add(new() { Value = text });
        cmd.Parameters.Add(new() { Value = pattern });
        cmd.Parameters.Add(new() { Value = urn.HasValue ? urn.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.Add(new() { Value = Limit });
        var matches = new List<TeacherMatch>();
        var schools = new Dictionary<Guid, List<SearchSchool>>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            if (!schools.TryGetValue(id, out var list))
            {
                schools[id] = list = [];
                matches.Add(new TeacherMatch(id, r.GetString(1), r.GetString(2), list));
            }
            if (!r.IsDBNull(3))
                list.Add(new SearchSchool(r.GetInt32(3), r.GetString(4), r.GetString(5), r.GetFieldValue<DateOnly>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7)));
        }
        return matches;
    }
}
