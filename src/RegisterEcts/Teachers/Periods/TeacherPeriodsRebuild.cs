using NpgsqlTypes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers.Periods;

public sealed partial class TeacherPeriodsProjection
{
    /// <summary>
    /// Rebuild only: every teacher's rows are folded in memory for the whole rebuild and copied once when it completes,
    /// instead of an INSERT and several UPDATEs per teacher, each maintaining the exclusion constraints' GiST indexes.
    /// Anything the fold cannot follow exactly (a merge, a row it does not hold, a range PostgreSQL would refuse)
    /// copies that teacher's rows as they stand and sends the teacher's later events through the same SQL as a live
    /// append, for the rest of the rebuild: the page's copies run before its statements, so the order holds.
    /// </summary>
    private sealed class RebuildFold
    {
        private sealed class Fold
        {
            public required Guid TeacherId;
            public required string Trn;
            public required string Name;
            public string InductionStatus = "none";
            public DateOnly? EctEligibleOn, EctIneligibleOn, MentorEligibleOn, MentorIneligibleOn;
            public int? EctPaymentsFrozenYear, MentorPaymentsFrozenYear;
            public Guid? MergedInto;
            public bool Erased;
            public readonly List<Training> Training = [];
            public readonly List<Mentorship> Mentorships = [];
            public readonly List<Induction> Inductions = [];
            public readonly List<object?[]> Extensions = [];
        }

        // Date ranges as PostgreSQL keeps them: inclusive lower, exclusive upper, null when open.
        private abstract class Period
        {
            public required int Id;
            public required DateOnly From;
            public DateOnly? Until;

            public NpgsqlRange<DateOnly> Dates => Until is { } until ? new(From, true, until, false) : new(From, true, false, default, false, true);

            /// <summary>daterange(lower(dates), day, '[]'); false where PostgreSQL would refuse the range.</summary>
            public bool EndOn(DateOnly day)
            {
                if (day < From) return false;
                Until = day.AddDays(1);
                return true;
            }

            /// <summary>The deferral and withdrawal end: the day, unless the period already ends sooner.</summary>
            public bool EndNoLaterThan(DateOnly day) => Until is { } until && until.AddDays(-1) < day ? true : EndOn(day);
        }

        private sealed class Training : Period
        {
            public required string Role;
            public required int AtSchoolPeriodId;
            public required Guid SchoolId;
            public required string Programme;
            public Guid? LeadProviderId, PartnershipId, DeliveryPartnerId;
            public int? ContractPeriodYear;
            public string? ScheduleIdentifier;
            public string Status = "active";
            public string? DeferralReason, WithdrawalReason;
            public DateOnly? DeferredOn, WithdrawnOn;
        }

        private sealed class Mentorship : Period
        {
            public required Guid MenteeId;
            public required int EctPeriodId;
            public required Guid MentorId;
            public required int MentorPeriodId;
        }

        private sealed class Induction : Period
        {
            public required Guid AppropriateBodyId;
            public required string Programme;
            public decimal? NumberOfTerms;
            public string? Outcome;
        }

        private static readonly (string, NpgsqlDbType)[] TeacherColumns =
        [
            ("teacher_id", NpgsqlDbType.Uuid), ("trn", NpgsqlDbType.Text), ("name", NpgsqlDbType.Text), ("ect_training_status", NpgsqlDbType.Text),
            ("mentor_training_status", NpgsqlDbType.Text), ("induction_status", NpgsqlDbType.Text), ("ect_eligible_for_funding_on", NpgsqlDbType.Date),
            ("ect_ineligible_for_funding_on", NpgsqlDbType.Date), ("mentor_eligible_for_funding_on", NpgsqlDbType.Date),
            ("mentor_ineligible_for_funding_on", NpgsqlDbType.Date), ("ect_payments_frozen_year", NpgsqlDbType.Integer),
            ("mentor_payments_frozen_year", NpgsqlDbType.Integer), ("merged_into", NpgsqlDbType.Uuid), ("erased", NpgsqlDbType.Boolean),
        ];

        private static readonly (string, NpgsqlDbType)[] TrainingColumns =
        [
            ("teacher_id", NpgsqlDbType.Uuid), ("period_id", NpgsqlDbType.Integer), ("role", NpgsqlDbType.Text), ("at_school_period_id", NpgsqlDbType.Integer),
            ("school_id", NpgsqlDbType.Uuid), ("dates", NpgsqlDbType.DateRange), ("training_programme", NpgsqlDbType.Text), ("lead_provider_id", NpgsqlDbType.Uuid),
            ("contract_period_year", NpgsqlDbType.Integer), ("schedule_identifier", NpgsqlDbType.Text), ("partnership_id", NpgsqlDbType.Uuid),
            ("delivery_partner_id", NpgsqlDbType.Uuid), ("status", NpgsqlDbType.Text), ("deferral_reason", NpgsqlDbType.Text), ("deferred_on", NpgsqlDbType.Date),
            ("withdrawal_reason", NpgsqlDbType.Text), ("withdrawn_on", NpgsqlDbType.Date),
        ];

        private static readonly (string, NpgsqlDbType)[] MentorshipColumns =
        [
            ("mentee_id", NpgsqlDbType.Uuid), ("mentorship_id", NpgsqlDbType.Integer), ("ect_period_id", NpgsqlDbType.Integer), ("mentor_id", NpgsqlDbType.Uuid),
            ("mentor_period_id", NpgsqlDbType.Integer), ("dates", NpgsqlDbType.DateRange),
        ];

        private static readonly (string, NpgsqlDbType)[] InductionColumns =
        [
            ("teacher_id", NpgsqlDbType.Uuid), ("period_id", NpgsqlDbType.Integer), ("appropriate_body_id", NpgsqlDbType.Uuid), ("dates", NpgsqlDbType.DateRange),
            ("training_programme", NpgsqlDbType.Text), ("number_of_terms", NpgsqlDbType.Numeric), ("outcome", NpgsqlDbType.Text),
        ];

        private static readonly (string, NpgsqlDbType)[] ExtensionColumns =
        [
            ("teacher_id", NpgsqlDbType.Uuid), ("extension_id", NpgsqlDbType.Integer), ("appropriate_body_id", NpgsqlDbType.Uuid),
            ("number_of_terms", NpgsqlDbType.Numeric), ("added_on", NpgsqlDbType.Date),
        ];

        private readonly Dictionary<Guid, Fold> _folds = [];
        // Teachers whose rows are in the table (copied, or written by SQL): their events go through SQL from then on.
        private readonly HashSet<Guid> _bySql = [];
        // A mentor's events change the mentee's mentorship rows: those still in memory, by mentor.
        private readonly Dictionary<Guid, List<Mentorship>> _byMentor = [];

        /// <summary>True when the event was applied in memory; false when the caller must run its SQL.</summary>
        /// <remarks>
        /// A case whose lambdas capture its event has a block of its own with a local copy: a captured pattern variable puts the
        /// closure at the top of the method, allocated for every event whichever case matched (50 MB of a 20,000-career rebuild).
        /// </remarks>
        public bool Apply(object data, ProjectionContext context)
        {
            switch (data)
            {
                // A returning teacher keeps the identity and name they were first registered with.
                case TeacherRegisteredAsEct r:
                    return Register(r.TeacherId, r.Trn, r.Name);
                case TeacherRegisteredAsMentor r:
                    return Register(r.TeacherId, r.Trn, r.Name);
                case TeacherNameCorrected matched:
                {
                    var c = matched;
                    return Set(context, c.TeacherId, t => t.Name = c.Name);
                }
                case TeacherPersonalDataErased matched:
                {
                    var x = matched;
                    return Set(context, x.TeacherId, t => (t.Name, t.Erased) = (PersonalData.Erased, true));
                }
                case TeacherMerged matched:
                {
                    var m = matched;
                    return Set(context, m.TeacherId, t => t.MergedInto = m.IntoTeacherId);
                }
                case CohortChangedAfterPaymentsFrozen matched:
                {
                    var c = matched;
                    return Set(context, c.TeacherId, t => { if (c.Role == TeacherRole.Ect) t.EctPaymentsFrozenYear = c.FrozenYear; else t.MentorPaymentsFrozenYear = c.FrozenYear; });
                }
                case TeacherFundingEligibilitySet matched:
                {
                    var f = matched;
                    return Set(context, f.TeacherId, t => { if (f.Role == TeacherRole.Ect) t.EctEligibleOn ??= f.EligibleOn; else t.MentorEligibleOn ??= f.EligibleOn; });
                }
                case TeacherBecameIneligibleForFunding matched:
                {
                    var f = matched;
                    return Set(context, f.TeacherId, t => { if (f.Role == TeacherRole.Ect) t.EctIneligibleOn = f.IneligibleOn; else t.MentorIneligibleOn = f.IneligibleOn; });
                }

                case TrainingPeriodStarted matched:
                {
                    var s = matched;
                    return Change(context, s.TeacherId, t =>
                    {
                        if (t.Training.Any(p => p.Id == s.TrainingPeriodId) || s.FinishedOn < s.StartedOn) return false;
                        t.Training.Add(new Training
                        {
                            Id = s.TrainingPeriodId, Role = Role(s.Role), AtSchoolPeriodId = s.AtSchoolPeriodId, SchoolId = s.SchoolId, From = s.StartedOn,
                            Until = s.FinishedOn?.AddDays(1), Programme = Snake(s.Programme), LeadProviderId = s.ProviderLed?.LeadProviderId,
                            ContractPeriodYear = s.ProviderLed?.ContractPeriodYear, ScheduleIdentifier = s.ProviderLed?.ScheduleIdentifier,
                            PartnershipId = s.ProviderLed?.PartnershipId, DeliveryPartnerId = s.ProviderLed?.DeliveryPartnerId,
                        });
                        return true;
                    });
                }
                case TrainingPeriodFinished matched:
                {
                    var f = matched;
                    return ChangeTraining(context, f.TeacherId, f.TrainingPeriodId, p => p.EndOn(f.FinishedOn));
                }
                case TrainingPeriodRemoved matched:
                {
                    var r = matched;
                    return Change(context, r.TeacherId, t => t.Training.RemoveAll(p => p.Id == r.TrainingPeriodId) > 0);
                }
                case TrainingPeriodDeferred matched:
                {
                    var d = matched;
                    return ChangeTraining(context, d.TeacherId, d.TrainingPeriodId, p =>
                    {
                        if (!p.EndNoLaterThan(d.DeferredOn)) return false;
                        (p.Status, p.DeferralReason, p.DeferredOn) = ("deferred", Snake(d.Reason), d.DeferredOn);
                        return true;
                    });
                }
                case TrainingPeriodWithdrawn matched:
                {
                    var w = matched;
                    return ChangeTraining(context, w.TeacherId, w.TrainingPeriodId, p =>
                    {
                        if (!p.EndNoLaterThan(w.WithdrawnOn)) return false;
                        (p.Status, p.WithdrawalReason, p.WithdrawnOn) = ("withdrawn", Snake(w.Reason), w.WithdrawnOn);
                        return true;
                    });
                }
                case TrainingPeriodPartnershipRecreated matched:
                {
                    var r = matched;
                    return ChangeTraining(context, r.TeacherId, r.TrainingPeriodId, p => { p.PartnershipId = r.ToPartnershipId; return true; });
                }
                case TrainingScheduleChanged matched:
                {
                    var c = matched;
                    return ChangeTraining(context, c.TeacherId, c.ToTrainingPeriodId, p =>
                    {
                        (p.ContractPeriodYear, p.ScheduleIdentifier, p.PartnershipId, p.DeliveryPartnerId) =
                            (c.ContractPeriodYear, c.ScheduleIdentifier, c.PartnershipId, c.DeliveryPartnerId);
                        return true;
                    });
                }
                case EctAtSchoolPeriodMovedSchool matched:
                {
                    var m = matched;
                    return Change(context, m.TeacherId, t =>
                    {
                        foreach (var p in t.Training.Where(p => p.Role == "ect" && p.AtSchoolPeriodId == m.EctPeriodId)) p.SchoolId = m.ToSchoolId;
                        return true;
                    });
                }
                case MentorAtSchoolPeriodMovedSchool matched:
                {
                    var m = matched;
                    return Change(context, m.TeacherId, t =>
                    {
                        foreach (var p in t.Training.Where(p => p.Role == "mentor" && p.AtSchoolPeriodId == m.MentorPeriodId)) p.SchoolId = m.ToSchoolId;
                        return true;
                    });
                }
                case MentorAtSchoolPeriodsMerged m:
                    // The mentees' rows: those in memory here, those in the table by the statements the caller runs, which
                    // also move the mentor's own training rows (so those go to the table first). Rare: school mergers.
                    foreach (var row in _byMentor.GetValueOrDefault(m.TeacherId) ?? [])
                        if (row.MentorPeriodId == m.MentorPeriodId) row.MentorPeriodId = m.IntoMentorPeriodId;
                    return ToSql(context, m.TeacherId);

                // Mentorships are projected from the mentee's stream.
                case MentorshipStarted matched:
                {
                    var s = matched;
                    return Change(context, s.TeacherId, t =>
                    {
                        if (t.Mentorships.Any(p => p.Id == s.MentorshipId) || s.FinishedOn < s.StartedOn) return false;
                        var row = new Mentorship
                        {
                            Id = s.MentorshipId, MenteeId = s.TeacherId, EctPeriodId = s.EctPeriodId, MentorId = s.MentorId, MentorPeriodId = s.MentorPeriodId,
                            From = s.StartedOn, Until = s.FinishedOn?.AddDays(1),
                        };
                        t.Mentorships.Add(row);
                        ByMentor(row.MentorId).Add(row);
                        return true;
                    });
                }
                case MentorshipFinished matched:
                {
                    var f = matched;
                    return Change(context, f.TeacherId, t => t.Mentorships.Find(p => p.Id == f.MentorshipId) is { } row && row.EndOn(f.FinishedOn));
                }
                case MentorshipRemoved matched:
                {
                    var r = matched;
                    return Change(context, r.TeacherId, t =>
                    {
                        if (t.Mentorships.Find(p => p.Id == r.MentorshipId) is not { } row) return false;
                        t.Mentorships.Remove(row);
                        _byMentor.GetValueOrDefault(row.MentorId)?.Remove(row);
                        return true;
                    });
                }

                // Induction status follows the events as the fold does, not the rows (Teacher.Evolve).
                case InductionPeriodOpened matched:
                {
                    var o = matched;
                    return Change(context, o.TeacherId, t =>
                    {
                        if (t.Inductions.Any(p => p.Id == o.InductionPeriodId)) return false;
                        t.Inductions.Add(new Induction { Id = o.InductionPeriodId, AppropriateBodyId = o.AppropriateBodyId, From = o.StartedOn, Programme = Snake(o.Programme) });
                        t.InductionStatus = Snake(InductionStatus.InProgress);
                        return true;
                    });
                }
                case InductionPeriodClosed matched:
                {
                    var c = matched;
                    return Change(context, c.TeacherId, t =>
                    {
                        if (t.Inductions.Find(p => p.Id == c.InductionPeriodId) is not { } row || !row.EndOn(c.FinishedOn)) return false;
                        row.NumberOfTerms = c.NumberOfTerms;
                        t.InductionStatus = Snake(InductionStatus.Paused);
                        return true;
                    });
                }
                case InductionOutcomeRecorded matched:
                {
                    var o = matched;
                    return Change(context, o.TeacherId, t =>
                    {
                        if (t.Inductions.Find(p => p.Id == o.InductionPeriodId) is not { } row || !row.EndOn(o.FinishedOn)) return false;
                        (row.NumberOfTerms, row.Outcome) = (o.NumberOfTerms, Snake(o.Outcome));
                        t.InductionStatus = Snake(o.Outcome == InductionOutcome.Pass ? InductionStatus.Passed : InductionStatus.Failed);
                        return true;
                    });
                }
                case InductionExtensionAdded matched:
                {
                    var x = matched;
                    return Change(context, x.TeacherId, t =>
                    {
                        if (t.Extensions.Any(e => (int)e[1]! == x.ExtensionId)) return false;
                        t.Extensions.Add([x.TeacherId, x.ExtensionId, x.AppropriateBodyId, x.NumberOfTerms, x.AddedOn]);
                        return true;
                    });
                }

                // A merge works the kept teacher's rows out from the tables, so both teachers go through SQL from here on.
                case TeacherHistoryMoved m:
                    return ToSql(context, m.TeacherId);
                case TeacherHistoryMerged matched:
                {
                    var h = matched;
                    ToSql(context, h.FromTeacherId);
                    // ECTs the duplicate mentored follow the kept teacher, in the renumbered mentor period (see MergedIn).
                    if (_byMentor.Remove(h.FromTeacherId, out var mentored))
                    {
                        var oldIds = h.NewIds.ToDictionary(p => p.Value, p => p.Key);
                        var newIds = h.MentorPeriods.Where(p => oldIds.ContainsKey(p.Id)).ToDictionary(p => oldIds[p.Id], p => p.Id);
                        foreach (var row in mentored)
                            if (newIds.TryGetValue(row.MentorPeriodId, out var into)) (row.MentorId, row.MentorPeriodId) = (h.TeacherId, into);
                        foreach (var row in mentored) ByMentor(row.MentorId).Add(row);
                    }
                    return ToSql(context, h.TeacherId);
                }
                default:
                    return false;
            }
        }

        private List<Mentorship> ByMentor(Guid mentorId)
        {
            if (!_byMentor.TryGetValue(mentorId, out var rows)) _byMentor[mentorId] = rows = [];
            return rows;
        }

        private bool Register(Guid teacherId, string trn, string name)
        {
            if (_folds.ContainsKey(teacherId)) return true;
            if (_bySql.Contains(teacherId)) return false;
            _folds[teacherId] = new Fold { TeacherId = teacherId, Trn = trn, Name = name };
            return true;
        }

        private bool Change(ProjectionContext context, Guid teacherId, Func<Fold, bool> change) =>
            !_bySql.Contains(teacherId) && (_folds.TryGetValue(teacherId, out var fold) && change(fold) || ToSql(context, teacherId));

        private bool Set(ProjectionContext context, Guid teacherId, Action<Fold> change) => Change(context, teacherId, t =>
        {
            change(t);
            return true;
        });

        private bool ChangeTraining(ProjectionContext context, Guid teacherId, int periodId, Func<Training, bool> change) =>
            Change(context, teacherId, t => t.Training.Find(p => p.Id == periodId) is { } row && change(row));

        /// <summary>Copies the teacher's rows as they stand; its later events run as SQL. Always false.</summary>
        private bool ToSql(ProjectionContext context, Guid teacherId)
        {
            if (!_bySql.Add(teacherId)) return false;
            if (_folds.Remove(teacherId, out var fold)) Copy(fold, context);
            return false;
        }

        private void Copy(Fold t, ProjectionContext context)
        {
            context.Copy("teachers", TeacherColumns).Add(TeacherRow(t));
            foreach (var p in t.Training) context.Copy("training_periods", TrainingColumns).Add(TrainingRow(t, p));
            foreach (var m in t.Mentorships)
            {
                context.Copy("mentorship_periods", MentorshipColumns).Add(MentorshipRow(m));
                _byMentor.GetValueOrDefault(m.MentorId)?.Remove(m);
            }
            foreach (var p in t.Inductions) context.Copy("induction_periods", InductionColumns).Add(InductionRow(t, p));
            foreach (var x in t.Extensions) context.Copy("induction_extensions", ExtensionColumns).Add(x);
        }

        /// <summary>
        /// The rebuild (or a blue/green pass) is complete: every teacher still in memory goes to the copy, and to SQL after it.
        /// The rows are made as the copy sends them; nothing changes these folds any more.
        /// </summary>
        public void CopyAll(ProjectionContext context)
        {
            var folds = CopyRows.Scattered(_folds.Values);
            foreach (var fold in folds) _bySql.Add(fold.TeacherId);
            _folds.Clear();
            _byMentor.Clear();
            context.Copy("teachers", TeacherColumns).AddAll(folds.Select(TeacherRow));
            context.Copy("training_periods", TrainingColumns).AddAll(folds.SelectMany(t => t.Training.Select(p => TrainingRow(t, p))));
            context.Copy("mentorship_periods", MentorshipColumns).AddAll(folds.SelectMany(t => t.Mentorships.Select(MentorshipRow)));
            context.Copy("induction_periods", InductionColumns).AddAll(folds.SelectMany(t => t.Inductions.Select(p => InductionRow(t, p))));
            context.Copy("induction_extensions", ExtensionColumns).AddAll(folds.SelectMany(t => t.Extensions));
        }

        private static object?[] TeacherRow(Fold t)
        {
            string? Status(string role) => t.Training.Where(p => p.Role == role).MaxBy(p => p.From)?.Status;
            return [t.TeacherId, t.Trn, t.Name, Status("ect"), Status("mentor"), t.InductionStatus, t.EctEligibleOn, t.EctIneligibleOn,
                t.MentorEligibleOn, t.MentorIneligibleOn, t.EctPaymentsFrozenYear, t.MentorPaymentsFrozenYear, t.MergedInto, t.Erased];
        }

        private static object?[] TrainingRow(Fold t, Training p) =>
        [
            t.TeacherId, p.Id, p.Role, p.AtSchoolPeriodId, p.SchoolId, p.Dates, p.Programme, p.LeadProviderId, p.ContractPeriodYear,
            p.ScheduleIdentifier, p.PartnershipId, p.DeliveryPartnerId, p.Status, p.DeferralReason, p.DeferredOn, p.WithdrawalReason, p.WithdrawnOn,
        ];

        private static object?[] MentorshipRow(Mentorship m) => [m.MenteeId, m.Id, m.EctPeriodId, m.MentorId, m.MentorPeriodId, m.Dates];

        private static object?[] InductionRow(Fold t, Induction p) => [t.TeacherId, p.Id, p.AppropriateBodyId, p.Dates, p.Programme, p.NumberOfTerms, p.Outcome];
    }
}
