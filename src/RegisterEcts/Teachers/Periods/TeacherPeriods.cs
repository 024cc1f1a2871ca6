using System.Text.Json;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers.Periods;

/// <summary>
/// training_periods, mentorship_periods, induction_periods, induction_extensions and teachers: what the
/// Teacher fold holds, as rows, kept inline so the period rules (the exclusion constraints) hold at commit.
/// </summary>
/// <remarks>
/// Everything is worked out from the events and from these tables' own rows by the queued SQL, never read
/// back into C#: the queued writes run in order in the append's transaction, so a later statement sees an
/// earlier one's rows, and a rebuild (which replays the same events into the same SQL) cannot differ.
/// </remarks>
public sealed partial class TeacherPeriodsProjection : IProjection
{
    public string Name => "teacher_periods";

    public IReadOnlyList<string> Tables => ["training_periods", "mentorship_periods", "induction_periods", "induction_extensions", "teachers"];

    // Reads nothing back and uses neither Sequence nor RecordedAt, so appends stay at one round trip.
    public bool NeedsWrittenEvents => false;

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        // Training statuses are refreshed once per teacher at the end of the batch, from the rows as they then stand.
        var trainingChanged = new HashSet<Guid>();
        var fold = context.IsRebuild ? context.Session<RebuildFold>() : null;
        foreach (var e in events)
        {
            if (fold is not null && fold.Apply(e.Data, context)) continue;
            switch (e.Data)
            {
                // A returning teacher keeps the identity and name they were first registered with.
                case TeacherRegisteredAsEct r:
                    context.Enqueue("INSERT INTO teachers (teacher_id, trn, name) VALUES ($1, $2, $3) ON CONFLICT (teacher_id) DO NOTHING", r.TeacherId, r.Trn, r.Name);
                    break;
                case TeacherRegisteredAsMentor r:
                    context.Enqueue("INSERT INTO teachers (teacher_id, trn, name) VALUES ($1, $2, $3) ON CONFLICT (teacher_id) DO NOTHING", r.TeacherId, r.Trn, r.Name);
                    break;
                case TeacherNameCorrected c:
                    context.Enqueue("UPDATE teachers SET name = $2 WHERE teacher_id = $1", c.TeacherId, c.Name);
                    break;
                // A rebuild after the key is gone reads every name as erased, so the live row says so too.
                case TeacherPersonalDataErased x:
                    context.Enqueue("UPDATE teachers SET name = $2, erased = true WHERE teacher_id = $1", x.TeacherId, PersonalData.Erased);
                    break;
                case TeacherMerged m:
                    context.Enqueue("UPDATE teachers SET merged_into = $2 WHERE teacher_id = $1", m.TeacherId, m.IntoTeacherId);
                    break;
                case CohortChangedAfterPaymentsFrozen c:
                    context.Enqueue($"UPDATE teachers SET {Role(c.Role)}_payments_frozen_year = $2 WHERE teacher_id = $1", c.TeacherId, c.FrozenYear);
                    break;
                // The first eligibility counts; a later ineligibility replaces an earlier one, as in the fold.
                case TeacherFundingEligibilitySet f:
                    context.Enqueue($"UPDATE teachers SET {Role(f.Role)}_eligible_for_funding_on = coalesce({Role(f.Role)}_eligible_for_funding_on, $2) WHERE teacher_id = $1",
                        f.TeacherId, f.EligibleOn);
                    break;
                case TeacherBecameIneligibleForFunding f:
                    context.Enqueue($"UPDATE teachers SET {Role(f.Role)}_ineligible_for_funding_on = $2 WHERE teacher_id = $1", f.TeacherId, f.IneligibleOn);
                    break;

                case TrainingPeriodStarted t:
                    context.Enqueue(
                        """
                        INSERT INTO training_periods (teacher_id, period_id, role, at_school_period_id, school_id, dates, training_programme,
                                                      lead_provider_id, contract_period_year, schedule_identifier, partnership_id, delivery_partner_id)
                        VALUES ($1, $2, $3, $4, $5, daterange($6::date, $7::date, '[]'), $8, $9::uuid, $10::integer, $11::text, $12::uuid, $13::uuid)
                        """,
                        t.TeacherId, t.TrainingPeriodId, Role(t.Role), t.AtSchoolPeriodId, t.SchoolId, t.StartedOn, t.FinishedOn, Snake(t.Programme),
                        t.ProviderLed?.LeadProviderId, t.ProviderLed?.ContractPeriodYear, t.ProviderLed?.ScheduleIdentifier,
                        t.ProviderLed?.PartnershipId, t.ProviderLed?.DeliveryPartnerId);
                    trainingChanged.Add(t.TeacherId);
                    break;
                case TrainingPeriodFinished f:
                    Finish(context, "training_periods", f.TeacherId, f.TrainingPeriodId, f.FinishedOn);
                    break;
                case TrainingPeriodRemoved r:
                    context.Enqueue("DELETE FROM training_periods WHERE teacher_id = $1 AND period_id = $2", r.TeacherId, r.TrainingPeriodId);
                    trainingChanged.Add(r.TeacherId);
                    break;
                // Deferring or withdrawing ends the period no later than that day, as the fold does.
                case TrainingPeriodDeferred d:
                    context.Enqueue(
                        $"""
                        UPDATE training_periods SET status = 'deferred', deferral_reason = $3, deferred_on = $4, dates = {EndNoLaterThan("$4")}
                        WHERE teacher_id = $1 AND period_id = $2
                        """,
                        d.TeacherId, d.TrainingPeriodId, Snake(d.Reason), d.DeferredOn);
                    trainingChanged.Add(d.TeacherId);
                    break;
                case TrainingPeriodWithdrawn w:
                    context.Enqueue(
                        $"""
                        UPDATE training_periods SET status = 'withdrawn', withdrawal_reason = $3, withdrawn_on = $4, dates = {EndNoLaterThan("$4")}
                        WHERE teacher_id = $1 AND period_id = $2
                        """,
                        w.TeacherId, w.TrainingPeriodId, Snake(w.Reason), w.WithdrawnOn);
                    trainingChanged.Add(w.TeacherId);
                    break;
                case TrainingPeriodPartnershipRecreated p:
                    context.Enqueue("UPDATE training_periods SET partnership_id = $3 WHERE teacher_id = $1 AND period_id = $2", p.TeacherId, p.TrainingPeriodId, p.ToPartnershipId);
                    break;
                // The lead provider moved the training onto another schedule (and maybe cohort and partnership).
                case TrainingScheduleChanged c:
                    context.Enqueue(
                        """
                        UPDATE training_periods SET contract_period_year = $3, schedule_identifier = $4, partnership_id = $5::uuid, delivery_partner_id = $6::uuid
                        WHERE teacher_id = $1 AND period_id = $2
                        """,
                        c.TeacherId, c.ToTrainingPeriodId, c.ContractPeriodYear, c.ScheduleIdentifier, c.PartnershipId, c.DeliveryPartnerId);
                    break;
                // A school merged into its successor: the training in the moved period moves with it.
                case EctAtSchoolPeriodMovedSchool m:
                    context.Enqueue("UPDATE training_periods SET school_id = $3 WHERE teacher_id = $1 AND role = 'ect' AND at_school_period_id = $2",
                        m.TeacherId, m.EctPeriodId, m.ToSchoolId);
                    break;
                case MentorAtSchoolPeriodMovedSchool m:
                    context.Enqueue("UPDATE training_periods SET school_id = $3 WHERE teacher_id = $1 AND role = 'mentor' AND at_school_period_id = $2",
                        m.TeacherId, m.MentorPeriodId, m.ToSchoolId);
                    break;
                case MentorAtSchoolPeriodsMerged m:
                    context.Enqueue(
                        "UPDATE training_periods SET at_school_period_id = $3, school_id = $4 WHERE teacher_id = $1 AND role = 'mentor' AND at_school_period_id = $2",
                        m.TeacherId, m.MentorPeriodId, m.IntoMentorPeriodId, m.ToSchoolId);
                    // The mentee's copy names the mentor period that no longer exists; point it at the one that does.
                    context.Enqueue("UPDATE mentorship_periods SET mentor_period_id = $3 WHERE mentor_id = $1 AND mentor_period_id = $2",
                        m.TeacherId, m.MentorPeriodId, m.IntoMentorPeriodId);
                    break;

                // Mentorships are projected from the mentee's stream; the mentor's mirror events repeat the same dates.
                case MentorshipStarted m:
                    context.Enqueue(
                        """
                        INSERT INTO mentorship_periods (mentee_id, mentorship_id, ect_period_id, mentor_id, mentor_period_id, dates)
                        VALUES ($1, $2, $3, $4, $5, daterange($6::date, $7::date, '[]'))
                        """,
                        m.TeacherId, m.MentorshipId, m.EctPeriodId, m.MentorId, m.MentorPeriodId, m.StartedOn, m.FinishedOn);
                    break;
                case MentorshipFinished m:
                    context.Enqueue("UPDATE mentorship_periods SET dates = daterange(lower(dates), $3::date, '[]') WHERE mentee_id = $1 AND mentorship_id = $2",
                        m.TeacherId, m.MentorshipId, m.FinishedOn);
                    break;
                case MentorshipRemoved m:
                    context.Enqueue("DELETE FROM mentorship_periods WHERE mentee_id = $1 AND mentorship_id = $2", m.TeacherId, m.MentorshipId);
                    break;

                // Induction status follows the events as the fold does, not the rows (Teacher.Evolve).
                case InductionPeriodOpened o:
                    context.Enqueue(
                        """
                        INSERT INTO induction_periods (teacher_id, period_id, appropriate_body_id, dates, training_programme)
                        VALUES ($1, $2, $3, daterange($4::date, NULL, '[]'), $5)
                        """,
                        o.TeacherId, o.InductionPeriodId, o.AppropriateBodyId, o.StartedOn, Snake(o.Programme));
                    SetInductionStatus(context, o.TeacherId, InductionStatus.InProgress);
                    break;
                case InductionPeriodClosed c:
                    context.Enqueue(
                        "UPDATE induction_periods SET dates = daterange(lower(dates), $3::date, '[]'), number_of_terms = $4 WHERE teacher_id = $1 AND period_id = $2",
                        c.TeacherId, c.InductionPeriodId, c.FinishedOn, c.NumberOfTerms);
                    SetInductionStatus(context, c.TeacherId, InductionStatus.Paused);
                    break;
                case InductionOutcomeRecorded o:
                    context.Enqueue(
                        """
                        UPDATE induction_periods SET dates = daterange(lower(dates), $3::date, '[]'), number_of_terms = $4, outcome = $5
                        WHERE teacher_id = $1 AND period_id = $2
                        """,
                        o.TeacherId, o.InductionPeriodId, o.FinishedOn, o.NumberOfTerms, Snake(o.Outcome));
                    SetInductionStatus(context, o.TeacherId, o.Outcome == InductionOutcome.Pass ? InductionStatus.Passed : InductionStatus.Failed);
                    break;
                case InductionExtensionAdded x:
                    context.Enqueue(
                        "INSERT INTO induction_extensions (teacher_id, extension_id, appropriate_body_id, number_of_terms, added_on) VALUES ($1, $2, $3, $4, $5)",
                        x.TeacherId, x.ExtensionId, x.AppropriateBodyId, x.NumberOfTerms, x.AddedOn);
                    break;

                // A merge. The duplicate's rows stay until TeacherHistoryMerged (always in the same append) has copied
                // what its event does not carry (deferral and withdrawal days); it then deletes them. Only the statuses
                // change here, as they do in the fold.
                case TeacherHistoryMoved m:
                    SetInductionStatus(context, m.TeacherId, InductionStatus.None);
                    trainingChanged.Add(m.TeacherId);
                    break;
                case TeacherHistoryMerged h:
                    MergedIn(context, h);
                    trainingChanged.Add(h.TeacherId);
                    trainingChanged.Add(h.FromTeacherId);
                    break;
            }
        }

        // Statuses last, for the teachers whose rows the statements hold (a rebuild's copies run before them).
        if (trainingChanged.Count > 0)
            context.Enqueue(
                """
                UPDATE teachers t SET
                    ect_training_status = (SELECT p.status FROM training_periods p WHERE p.teacher_id = t.teacher_id AND p.role = 'ect' ORDER BY lower(p.dates) DESC LIMIT 1),
                    mentor_training_status = (SELECT p.status FROM training_periods p WHERE p.teacher_id = t.teacher_id AND p.role = 'mentor' ORDER BY lower(p.dates) DESC LIMIT 1)
                WHERE t.teacher_id = ANY($1)
                """,
                trainingChanged.ToArray());
        return ValueTask.CompletedTask;
    }

    private static void MergedIn(ProjectionContext context, TeacherHistoryMerged h)
    {
        var oldIds = h.NewIds.ToDictionary(p => p.Value, p => p.Key);
        int Old(int newId) => oldIds.TryGetValue(newId, out var old) ? old : -1;

        foreach (var t in h.TrainingPeriods)
            context.Enqueue(
                """
                INSERT INTO training_periods (teacher_id, period_id, role, at_school_period_id, school_id, dates, training_programme,
                                              lead_provider_id, contract_period_year, schedule_identifier, partnership_id, delivery_partner_id,
                                              status, deferral_reason, deferred_on, withdrawal_reason, withdrawn_on)
                VALUES ($1, $2, $3, $4, $5, daterange($6::date, $7::date, '[]'), $8, $9::uuid, $10::integer, $11::text, $12::uuid, $13::uuid,
                        $14, $15::text, (SELECT deferred_on FROM training_periods WHERE teacher_id = $16 AND period_id = $17),
                        $18::text, (SELECT withdrawn_on FROM training_periods WHERE teacher_id = $16 AND period_id = $17))
                """,
                h.TeacherId, t.Id, Role(t.Role), t.AtSchoolPeriodId, t.SchoolId, t.Dates.Start, t.Dates.End, Snake(t.Programme),
                t.ProviderLed?.LeadProviderId, t.ProviderLed?.ContractPeriodYear, t.ProviderLed?.ScheduleIdentifier,
                t.ProviderLed?.PartnershipId, t.ProviderLed?.DeliveryPartnerId,
                Snake(t.Status), t.DeferralReason is { } d ? Snake(d) : null, h.FromTeacherId, Old(t.Id),
                t.WithdrawalReason is { } w ? Snake(w) : null);
        foreach (var m in h.Mentorships)
            context.Enqueue(
                """
                INSERT INTO mentorship_periods (mentee_id, mentorship_id, ect_period_id, mentor_id, mentor_period_id, dates)
                VALUES ($1, $2, $3, $4, $5, daterange($6::date, $7::date, '[]'))
                """,
                h.TeacherId, m.Id, m.EctPeriodId, m.MentorId, m.MentorPeriodId, m.Dates.Start, m.Dates.End);
        foreach (var p in h.InductionPeriods)
            context.Enqueue(
                """
                INSERT INTO induction_periods (teacher_id, period_id, appropriate_body_id, dates, training_programme, number_of_terms, outcome)
                VALUES ($1, $2, $3, daterange($4::date, $5::date, '[]'), $6, $7::numeric, $8::text)
                """,
                h.TeacherId, p.Id, p.AppropriateBodyId, p.Dates.Start, p.Dates.End, Snake(p.Programme), p.NumberOfTerms, p.Outcome is { } o ? Snake(o) : null);
        foreach (var x in h.InductionExtensions)
            context.Enqueue(
                "INSERT INTO induction_extensions (teacher_id, extension_id, appropriate_body_id, number_of_terms, added_on) VALUES ($1, $2, $3, $4, $5)",
                h.TeacherId, x.Id, x.AppropriateBodyId, x.NumberOfTerms, x.AddedOn);

        // Other ECTs mentored by the duplicate now have the kept teacher, in the renumbered mentor period, as their mentor,
        // so the row joins to a mentor period that exists (the mentee's stream goes on naming the duplicate; the id change
        // is how readers of the events follow it).
        var mentorPeriods = h.MentorPeriods.Select(p => (Old: Old(p.Id), New: p.Id)).Where(p => p.Old >= 0).ToList();
        if (mentorPeriods.Count > 0)
            context.Enqueue(
                """
                UPDATE mentorship_periods m SET mentor_id = $2, mentor_period_id = n.new_id
                FROM unnest($3::integer[], $4::integer[]) AS n(old_id, new_id)
                WHERE m.mentor_id = $1 AND m.mentor_period_id = n.old_id
                """,
                h.FromTeacherId, h.TeacherId, mentorPeriods.Select(p => p.Old).ToArray(), mentorPeriods.Select(p => p.New).ToArray());

        foreach (var table in new[] { "training_periods", "induction_periods", "induction_extensions" })
            context.Enqueue($"DELETE FROM {table} WHERE teacher_id = $1", h.FromTeacherId);
        context.Enqueue("DELETE FROM mentorship_periods WHERE mentee_id = $1", h.FromTeacherId);

        // Worked out again from every induction now held, first outcome (in period order) winning, as the fold does.
        context.Enqueue(
            """
            UPDATE teachers SET induction_status = coalesce(
                (SELECT CASE outcome WHEN 'pass' THEN 'passed' ELSE 'failed' END FROM induction_periods
                 WHERE teacher_id = $1 AND outcome IS NOT NULL ORDER BY period_id LIMIT 1),
                CASE WHEN EXISTS (SELECT 1 FROM induction_periods WHERE teacher_id = $1 AND upper_inf(dates)) THEN 'in_progress'
                     WHEN EXISTS (SELECT 1 FROM induction_periods WHERE teacher_id = $1) THEN 'paused'
                     ELSE 'none' END)
            WHERE teacher_id = $1
            """,
            h.TeacherId);
    }

    private static void SetInductionStatus(ProjectionContext context, Guid teacherId, InductionStatus status) =>
        context.Enqueue("UPDATE teachers SET induction_status = $2 WHERE teacher_id = $1", teacherId, Snake(status));

    public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
    {
        context.Session<RebuildFold>().CopyAll(context);
        return ValueTask.CompletedTask;
    }

    private static void Finish(ProjectionContext context, string table, Guid teacherId, int periodId, DateOnly finishedOn) =>
        context.Enqueue($"UPDATE {table} SET dates = daterange(lower(dates), $3::date, '[]') WHERE teacher_id = $1 AND period_id = $2", teacherId, periodId, finishedOn);

    // The inclusive end is upper - 1, since PostgreSQL keeps date ranges as '[)'.
    private static string EndNoLaterThan(string day) =>
        $"daterange(lower(dates), CASE WHEN upper_inf(dates) THEN {day}::date ELSE least(upper(dates) - 1, {day}::date) END, '[]')";

    private static string Role(TeacherRole role) => role == TeacherRole.Ect ? "ect" : "mentor";

    internal static string Snake<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
