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
        foreach (var e in events)
        {
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
