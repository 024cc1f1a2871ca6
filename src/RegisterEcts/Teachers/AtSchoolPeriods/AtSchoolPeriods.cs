using System.Text.Json;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers.AtSchoolPeriods;

public sealed record AtSchoolPeriodRow(
    TeacherRole Role, Guid TeacherId, string Trn, string Name, int PeriodId, DateOnly StartedOn, DateOnly? FinishedOn, string? Email,
    WorkingPattern? WorkingPattern, Guid? AppropriateBodyId, TrainingProgramme? TrainingProgramme, Guid? LeadProviderId, Guid? MentorId);

/// ect_at_school_periods and mentor_at_school_periods: who is (and was) at a school, and when.
public sealed class AtSchoolPeriodsProjection : IProjection
{
    public string Name => "at_school_periods";

    public IReadOnlyList<string> Tables => ["ect_at_school_periods", "mentor_at_school_periods"];

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var rebuilt = context.IsRebuild ? context.Session<RebuildRows>() : null;
        foreach (var e in events)
        {
            if (rebuilt is not null && rebuilt.Apply(e.Data, context)) continue;
            switch (e.Data)
            {
                case TeacherRegisteredAsEct r:
                    context.Enqueue(
                        """
                        INSERT INTO ect_at_school_periods (teacher_id, period_id, school_id, dates, email, working_pattern, appropriate_body_id)
                        VALUES ($1, $2, $3, daterange($4::date, NULL, '[]'), $5::text, $6, $7)
                        """,
                        r.TeacherId, r.EctPeriodId, r.SchoolId, r.StartedOn, r.Email, Snake(r.WorkingPattern), r.AppropriateBodyId);
                    break;
                case TeacherRegisteredAsMentor r:
                    context.Enqueue(
                        "INSERT INTO mentor_at_school_periods (teacher_id, period_id, school_id, dates, email) VALUES ($1, $2, $3, daterange($4::date, NULL, '[]'), $5::text)",
                        r.TeacherId, r.MentorPeriodId, r.SchoolId, r.StartedOn, r.Email);
                    break;
                case TeacherLeftSchoolAsEct l:
                    Finish(context, "ect_at_school_periods", l.TeacherId, l.EctPeriodId, l.FinishedOn);
                    break;
                case TeacherLeftSchoolAsMentor l:
                    Finish(context, "mentor_at_school_periods", l.TeacherId, l.MentorPeriodId, l.FinishedOn);
                    break;
                case LeavingDateCorrected c:
                    Finish(context, c.Role == TeacherRole.Ect ? "ect_at_school_periods" : "mentor_at_school_periods", c.TeacherId, c.AtSchoolPeriodId, c.ToFinishedOn);
                    break;
                case EctAtSchoolPeriodRemoved r:
                    context.Enqueue("DELETE FROM ect_at_school_periods WHERE teacher_id = $1 AND period_id = $2", r.TeacherId, r.EctPeriodId);
                    break;
                case MentorAtSchoolPeriodRemoved r:
                    context.Enqueue("DELETE FROM mentor_at_school_periods WHERE teacher_id = $1 AND period_id = $2", r.TeacherId, r.MentorPeriodId);
                    break;
                case EctAtSchoolPeriodMovedSchool m:
                    context.Enqueue("UPDATE ect_at_school_periods SET school_id = $3 WHERE teacher_id = $1 AND period_id = $2", m.TeacherId, m.EctPeriodId, m.ToSchoolId);
                    break;
                case MentorAtSchoolPeriodMovedSchool m:
                    context.Enqueue("UPDATE mentor_at_school_periods SET school_id = $3 WHERE teacher_id = $1 AND period_id = $2", m.TeacherId, m.MentorPeriodId, m.ToSchoolId);
                    break;
                case MentorAtSchoolPeriodsMerged m:
                    // Delete first: the two rows overlap at the same school until the merge is done.
                    context.Enqueue("DELETE FROM mentor_at_school_periods WHERE teacher_id = $1 AND period_id = $2", m.TeacherId, m.MentorPeriodId);
                    context.Enqueue("UPDATE mentor_at_school_periods SET dates = daterange($3::date, $4::date, '[]') WHERE teacher_id = $1 AND period_id = $2",
                        m.TeacherId, m.IntoMentorPeriodId, m.StartedOn, m.FinishedOn);
                    break;
                case EctStartDateCorrected c:
                    context.Enqueue(
                        "UPDATE ect_at_school_periods SET dates = daterange($3::date, CASE WHEN upper_inf(dates) THEN NULL ELSE upper(dates) END, '[)') WHERE teacher_id = $1 AND period_id = $2",
                        c.TeacherId, c.EctPeriodId, c.ToStartedOn);
                    break;
                case TrainingPeriodStarted { Role: TeacherRole.Ect } t:
                    context.Enqueue(
                        "UPDATE ect_at_school_periods SET training_programme = $3, lead_provider_id = $4::uuid WHERE teacher_id = $1 AND period_id = $2",
                        t.TeacherId, t.AtSchoolPeriodId, Snake(t.Programme), t.ProviderLed?.LeadProviderId);
                    break;
                case TrainingPeriodStarted t:
                    context.Enqueue("UPDATE mentor_at_school_periods SET lead_provider_id = $3::uuid WHERE teacher_id = $1 AND period_id = $2",
                        t.TeacherId, t.AtSchoolPeriodId, t.ProviderLed?.LeadProviderId);
                    break;
                case TeacherEmailChanged c:
                    context.Enqueue($"UPDATE {(c.Role == TeacherRole.Ect ? "ect_at_school_periods" : "mentor_at_school_periods")} SET email = $3 WHERE teacher_id = $1 AND period_id = $2",
                        c.TeacherId, c.AtSchoolPeriodId, c.Email);
                    break;
                case EctWorkingPatternChanged w:
                    context.Enqueue("UPDATE ect_at_school_periods SET working_pattern = $3 WHERE teacher_id = $1 AND period_id = $2", w.TeacherId, w.EctPeriodId, Snake(w.WorkingPattern));
                    break;
                case TeacherPersonalDataErased x:
                    context.Enqueue("UPDATE ect_at_school_periods SET email = NULL WHERE teacher_id = $1", x.TeacherId);
                    context.Enqueue("UPDATE mentor_at_school_periods SET email = NULL WHERE teacher_id = $1", x.TeacherId);
                    break;
                // A merge: the duplicate's rows go, and its periods reappear under the kept teacher with their new ids.
                case TeacherHistoryMoved m:
                    context.Enqueue("DELETE FROM ect_at_school_periods WHERE teacher_id = $1", m.TeacherId);
                    context.Enqueue("DELETE FROM mentor_at_school_periods WHERE teacher_id = $1", m.TeacherId);
                    break;
                case TeacherHistoryMerged h:
                    MergedIn(context, h);
                    break;
                case MentorshipStarted m:
                    context.Enqueue("UPDATE ect_at_school_periods SET mentor_id = $3 WHERE teacher_id = $1 AND period_id = $2", m.TeacherId, m.EctPeriodId, m.MentorId);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
    {
        context.Session<RebuildRows>().CopyAll(context);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Rebuild only: the rows are kept in memory across the whole rebuild, changed there by later events, and copied once
    /// when it completes, instead of an INSERT and several UPDATEs each. They used to be copied at the end of each page, so a
    /// change in a later page went through SQL, and the server loaded these tables (their exclusion constraints the dearest
    /// part) while the rebuild's CPU was busiest; copied at the end, they load beside the teacher periods' own copy, while the
    /// other core would otherwise wait for it. Anything this cannot follow exactly (a row it does not hold, a change to every
    /// row of a teacher, a range PostgreSQL would refuse) sends the teacher's rows to the copy as they stand and the teacher's
    /// later events through the same SQL as a live append: the copies run before the page's statements, so the order holds.
    /// </summary>
    private sealed class RebuildRows
    {
        private sealed class Row
        {
            public required Guid TeacherId;
            public required int PeriodId;
            public required Guid SchoolId;
            public required DateOnly From;
            public DateOnly? Until; // exclusive, as PostgreSQL stores a '[]' date range; null when open
            public string? Email;
            public string? WorkingPattern;
            public Guid? AppropriateBodyId;
            public string? TrainingProgramme;
            public Guid? LeadProviderId;
            public Guid? MentorId;

            public NpgsqlTypes.NpgsqlRange<DateOnly> Dates => Until is { } until
                ? new(From, true, until, false)
                : new(From, true, false, default, false, true);
        }

        private static readonly (string, NpgsqlTypes.NpgsqlDbType)[] EctColumns =
        [
            ("teacher_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("period_id", NpgsqlTypes.NpgsqlDbType.Integer), ("school_id", NpgsqlTypes.NpgsqlDbType.Uuid),
            ("dates", NpgsqlTypes.NpgsqlDbType.DateRange), ("email", NpgsqlTypes.NpgsqlDbType.Text), ("working_pattern", NpgsqlTypes.NpgsqlDbType.Text),
            ("appropriate_body_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("training_programme", NpgsqlTypes.NpgsqlDbType.Text),
            ("lead_provider_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("mentor_id", NpgsqlTypes.NpgsqlDbType.Uuid),
        ];

        private static readonly (string, NpgsqlTypes.NpgsqlDbType)[] MentorColumns =
        [
            ("teacher_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("period_id", NpgsqlTypes.NpgsqlDbType.Integer), ("school_id", NpgsqlTypes.NpgsqlDbType.Uuid),
            ("dates", NpgsqlTypes.NpgsqlDbType.DateRange), ("email", NpgsqlTypes.NpgsqlDbType.Text), ("lead_provider_id", NpgsqlTypes.NpgsqlDbType.Uuid),
        ];

        // Each teacher's rows, few per teacher: a teacher's rows are found (and sent to SQL) without looking at anyone else's.
        private readonly Dictionary<Guid, List<Row>> _ect = [];
        private readonly Dictionary<Guid, List<Row>> _mentor = [];
        // Teachers whose later events go through SQL, their rows being in the table.
        private readonly HashSet<Guid> _bySql = [];

        /// <summary>True when the event was applied in memory; false when the caller must run its SQL.</summary>
        public bool Apply(object data, ProjectionContext context)
        {
            switch (data)
            {
                case TeacherRegisteredAsEct r:
                    return Add(context, _ect, new Row
                    {
                        TeacherId = r.TeacherId, PeriodId = r.EctPeriodId, SchoolId = r.SchoolId, From = r.StartedOn, Email = r.Email,
                        WorkingPattern = Snake(r.WorkingPattern), AppropriateBodyId = r.AppropriateBodyId,
                    });
                case TeacherRegisteredAsMentor r:
                    return Add(context, _mentor, new Row { TeacherId = r.TeacherId, PeriodId = r.MentorPeriodId, SchoolId = r.SchoolId, From = r.StartedOn, Email = r.Email });
                // Each change is a static lambda given what it needs: a lambda capturing the case's event made the compiler
                // allocate one closure for every case of the switch on every call, whichever case matched (24 MB a rebuild).
                case TeacherLeftSchoolAsEct l:
                    return Change(context, _ect, l.TeacherId, l.EctPeriodId, l.FinishedOn, Finish);
                case TeacherLeftSchoolAsMentor l:
                    return Change(context, _mentor, l.TeacherId, l.MentorPeriodId, l.FinishedOn, Finish);
                case LeavingDateCorrected c:
                    return Change(context, c.Role == TeacherRole.Ect ? _ect : _mentor, c.TeacherId, c.AtSchoolPeriodId, c.ToFinishedOn, Finish);
                case EctAtSchoolPeriodRemoved r:
                    return Remove(context, _ect, r.TeacherId, r.EctPeriodId);
                case MentorAtSchoolPeriodRemoved r:
                    return Remove(context, _mentor, r.TeacherId, r.MentorPeriodId);
                case EctAtSchoolPeriodMovedSchool m:
                    return Change(context, _ect, m.TeacherId, m.EctPeriodId, m.ToSchoolId, static (row, school) => { row.SchoolId = school; return true; });
                case MentorAtSchoolPeriodMovedSchool m:
                    return Change(context, _mentor, m.TeacherId, m.MentorPeriodId, m.ToSchoolId, static (row, school) => { row.SchoolId = school; return true; });
                case MentorAtSchoolPeriodsMerged m:
                    if (!_bySql.Contains(m.TeacherId) && Find(_mentor, m.TeacherId, m.MentorPeriodId) is null) return ToSql(context, m.TeacherId);
                    return Change(context, _mentor, m.TeacherId, m.IntoMentorPeriodId, (Rows: _mentor, Merged: m), static (row, x) =>
                    {
                        if (x.Merged.FinishedOn < x.Merged.StartedOn) return false;
                        x.Rows[x.Merged.TeacherId].Remove(Find(x.Rows, x.Merged.TeacherId, x.Merged.MentorPeriodId)!);
                        (row.From, row.Until) = (x.Merged.StartedOn, x.Merged.FinishedOn?.AddDays(1));
                        return true;
                    });
                case EctStartDateCorrected c:
                    return Change(context, _ect, c.TeacherId, c.EctPeriodId, c.ToStartedOn, static (row, startedOn) =>
                    {
                        if (row.Until is { } until && startedOn >= until) return false;
                        row.From = startedOn;
                        return true;
                    });
                case TrainingPeriodStarted { Role: TeacherRole.Ect } t:
                    return Change(context, _ect, t.TeacherId, t.AtSchoolPeriodId, t, static (row, t) =>
                    {
                        (row.TrainingProgramme, row.LeadProviderId) = (Snake(t.Programme), t.ProviderLed?.LeadProviderId);
                        return true;
                    });
                case TrainingPeriodStarted t:
                    return Change(context, _mentor, t.TeacherId, t.AtSchoolPeriodId, t.ProviderLed?.LeadProviderId,
                        static (row, leadProvider) => { row.LeadProviderId = leadProvider; return true; });
                case TeacherEmailChanged c:
                    return Change(context, c.Role == TeacherRole.Ect ? _ect : _mentor, c.TeacherId, c.AtSchoolPeriodId, c.Email,
                        static (row, email) => { row.Email = email; return true; });
                case EctWorkingPatternChanged w:
                    return Change(context, _ect, w.TeacherId, w.EctPeriodId, w.WorkingPattern,
                        static (row, pattern) => { row.WorkingPattern = Snake(pattern); return true; });
                case MentorshipStarted m:
                    return Change(context, _ect, m.TeacherId, m.EctPeriodId, m.MentorId, static (row, mentor) => { row.MentorId = mentor; return true; });
                case TeacherPersonalDataErased x:
                    return ToSql(context, x.TeacherId);
                case TeacherHistoryMoved m:
                    return ToSql(context, m.TeacherId);
                case TeacherHistoryMerged h:
                    return ToSql(context, h.TeacherId);
                default:
                    return false;
            }
        }

        private static bool Finish(Row row, DateOnly finishedOn)
        {
            if (finishedOn < row.From) return false;
            row.Until = finishedOn.AddDays(1);
            return true;
        }

        private static Row? Find(Dictionary<Guid, List<Row>> rows, Guid teacherId, int periodId)
        {
            if (!rows.TryGetValue(teacherId, out var teacher)) return null;
            foreach (var row in teacher)
                if (row.PeriodId == periodId) return row;
            return null;
        }

        private bool Add(ProjectionContext context, Dictionary<Guid, List<Row>> rows, Row row)
        {
            if (_bySql.Contains(row.TeacherId) || Find(rows, row.TeacherId, row.PeriodId) is not null) return ToSql(context, row.TeacherId);
            if (rows.TryGetValue(row.TeacherId, out var teacher)) teacher.Add(row);
            else rows[row.TeacherId] = [row];
            return true;
        }

        private bool Change<T>(ProjectionContext context, Dictionary<Guid, List<Row>> rows, Guid teacherId, int periodId, T value, Func<Row, T, bool> change)
        {
            if (_bySql.Contains(teacherId)) return false;
            return Find(rows, teacherId, periodId) is { } row && change(row, value) || ToSql(context, teacherId);
        }

        private bool Remove(ProjectionContext context, Dictionary<Guid, List<Row>> rows, Guid teacherId, int periodId)
        {
            if (_bySql.Contains(teacherId)) return false;
            return Find(rows, teacherId, periodId) is { } row && rows[teacherId].Remove(row) || ToSql(context, teacherId);
        }

        /// <summary>Copies the teacher's rows as they stand; its later events run as SQL. Always false.</summary>
        private bool ToSql(ProjectionContext context, Guid teacherId)
        {
            if (!_bySql.Add(teacherId)) return false;
            if (_ect.Remove(teacherId, out var ect)) foreach (var row in ect) CopyEct(context, row);
            if (_mentor.Remove(teacherId, out var mentor)) foreach (var row in mentor) CopyMentor(context, row);
            return false;
        }

        private static void CopyEct(ProjectionContext context, Row r) => context.Copy("ect_at_school_periods", EctColumns).Add(EctRow(r));

        private static void CopyMentor(ProjectionContext context, Row r) => context.Copy("mentor_at_school_periods", MentorColumns).Add(MentorRow(r));

        private static object?[] EctRow(Row r) =>
            [r.TeacherId, r.PeriodId, r.SchoolId, r.Dates, r.Email, r.WorkingPattern, r.AppropriateBodyId, r.TrainingProgramme, r.LeadProviderId, r.MentorId];

        private static object?[] MentorRow(Row r) => [r.TeacherId, r.PeriodId, r.SchoolId, r.Dates, r.Email, r.LeadProviderId];

        /// <summary>
        /// The rebuild's end (or, blue/green, a catch-up pass's): every row still in memory goes to the copy. Events after it
        /// find none in memory and go through SQL, the rows being in the table by then.
        /// </summary>
        public void CopyAll(ProjectionContext context)
        {
            // Made as the copy sends them (so into an empty table it builds the indexes after them, see CopyRows), from the
            // rows as they stand now: the dictionaries are emptied below and nothing changes these rows any more.
            context.Copy("ect_at_school_periods", EctColumns).AddAll(CopyRows.Scattered(_ect.Values).SelectMany(rows => rows).Select(EctRow));
            context.Copy("mentor_at_school_periods", MentorColumns).AddAll(CopyRows.Scattered(_mentor.Values).SelectMany(rows => rows).Select(MentorRow));
            _ect.Clear();
            _mentor.Clear();
            _bySql.Clear();
        }
    }

    // Each row carries what the latest training in the period says, and its latest mentor, as the events would have left it.
    private static void MergedIn(ProjectionContext context, TeacherHistoryMerged h)
    {
        foreach (var p in h.EctPeriods)
        {
            var training = h.TrainingPeriods.Where(t => t.Role == TeacherRole.Ect && t.AtSchoolPeriodId == p.Id).MaxBy(t => t.Dates.Start);
            var mentor = h.Mentorships.Where(m => m.EctPeriodId == p.Id).MaxBy(m => m.Dates.Start);
            context.Enqueue(
                """
                INSERT INTO ect_at_school_periods (teacher_id, period_id, school_id, dates, email, working_pattern, appropriate_body_id,
                                                   training_programme, lead_provider_id, mentor_id)
                VALUES ($1, $2, $3, daterange($4::date, $5::date, '[]'), $6::text, $7, $8, $9::text, $10::uuid, $11::uuid)
                """,
                h.TeacherId, p.Id, p.SchoolId, p.Dates.Start, p.Dates.End, h.Emails?.GetValueOrDefault(p.Id), Snake(p.WorkingPattern), p.AppropriateBodyId,
                training is null ? null : Snake(training.Programme), training?.ProviderLed?.LeadProviderId, mentor?.MentorId);
        }
        foreach (var p in h.MentorPeriods)
        {
            var training = h.TrainingPeriods.Where(t => t.Role == TeacherRole.Mentor && t.AtSchoolPeriodId == p.Id).MaxBy(t => t.Dates.Start);
            context.Enqueue(
                """
                INSERT INTO mentor_at_school_periods (teacher_id, period_id, school_id, dates, email, lead_provider_id)
                VALUES ($1, $2, $3, daterange($4::date, $5::date, '[]'), $6::text, $7::uuid)
                """,
                h.TeacherId, p.Id, p.SchoolId, p.Dates.Start, p.Dates.End, h.Emails?.GetValueOrDefault(p.Id), training?.ProviderLed?.LeadProviderId);
        }
    }

    private static void Finish(ProjectionContext context, string table, Guid teacherId, int periodId, DateOnly finishedOn) =>
        context.Enqueue($"UPDATE {table} SET dates = daterange(lower(dates), $3::date, '[]') WHERE teacher_id = $1 AND period_id = $2", teacherId, periodId, finishedOn);

    private static string Snake<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static T? Parse<T>(NpgsqlDataReader r, int i) where T : struct, Enum =>
        r.IsDBNull(i) ? null : Enum.Parse<T>(r.GetString(i).Replace("_", ""), ignoreCase: true);

    /// Has the teacher ever been at this school, in either role? What a school may see and change.
    public static async Task<bool> HasBeenAtSchoolAsync(NpgsqlDataSource db, Guid teacherId, Guid schoolId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            SELECT EXISTS (SELECT 1 FROM ect_at_school_periods WHERE teacher_id = $1 AND school_id = $2)
                OR EXISTS (SELECT 1 FROM mentor_at_school_periods WHERE teacher_id = $1 AND school_id = $2)
            """);
        cmd.Parameters.Add(new() { Value = teacherId });
        cmd.Parameters.Add(new() { Value = schoolId });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// Every teacher with an ECT or mentor period at the school, past or future: whom a GIAS closure or merger touches.
    public static async Task<IReadOnlyList<Guid>> TeacherIdsAtSchoolAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            SELECT teacher_id FROM ect_at_school_periods WHERE school_id = $1
            UNION
            SELECT teacher_id FROM mentor_at_school_periods WHERE school_id = $1
            ORDER BY 1
            """);
        cmd.Parameters.Add(new() { Value = schoolId });
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    /// Every ECT and mentor period the school has had, newest first.
    public static async Task<IReadOnlyList<AtSchoolPeriodRow>> ForSchoolAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            SELECT 'ect', p.teacher_id, t.trn, t.name, p.period_id, lower(p.dates), CASE WHEN upper_inf(p.dates) THEN NULL ELSE upper(p.dates) - 1 END,
                   p.email, p.working_pattern, p.appropriate_body_id, p.training_programme, p.lead_provider_id, p.mentor_id
            FROM ect_at_school_periods p JOIN teacher_trns t USING (teacher_id) WHERE p.school_id = $1
            UNION ALL
            SELECT 'mentor', p.teacher_id, t.trn, t.name, p.period_id, lower(p.dates), CASE WHEN upper_inf(p.dates) THEN NULL ELSE upper(p.dates) - 1 END,
                   p.email, NULL, NULL, NULL, p.lead_provider_id, NULL
            FROM mentor_at_school_periods p JOIN teacher_trns t USING (teacher_id) WHERE p.school_id = $1
            ORDER BY 6 DESC, 2, 5
            """);
        cmd.Parameters.Add(new() { Value = schoolId });
        var rows = new List<AtSchoolPeriodRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new(r.GetString(0) == "ect" ? TeacherRole.Ect : TeacherRole.Mentor, r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
                r.GetFieldValue<DateOnly>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6), r.IsDBNull(7) ? null : r.GetString(7),
                Parse<WorkingPattern>(r, 8), r.IsDBNull(9) ? null : r.GetGuid(9), Parse<TrainingProgramme>(r, 10),
                r.IsDBNull(11) ? null : r.GetGuid(11), r.IsDBNull(12) ? null : r.GetGuid(12)));
        return rows;
    }
}
