using System.Collections.Immutable;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

public sealed record EctAtSchoolPeriod(int Id, Guid SchoolId, DateRange Dates, string? Email, WorkingPattern WorkingPattern, Guid AppropriateBodyId);

public sealed record MentorAtSchoolPeriod(int Id, Guid SchoolId, DateRange Dates, string? Email);

public sealed record TrainingPeriod(
    int Id, TeacherRole Role, int AtSchoolPeriodId, Guid SchoolId, DateRange Dates,
    TrainingProgramme Programme, ProviderLedTraining? ProviderLed,
    TrainingStatus Status = TrainingStatus.Active, DeferralReason? DeferralReason = null, WithdrawalReason? WithdrawalReason = null)
{
    public bool IsConfirmed => ProviderLed?.PartnershipId is not null;
}

/// This teacher is the mentee.
public sealed record Mentorship(int Id, int EctPeriodId, Guid MentorId, int MentorPeriodId, DateRange Dates);

/// This teacher is the mentor; the mentee's stream holds the same mentorship.
public sealed record Mentoring(Guid MenteeId, int MentorshipId, int MentorPeriodId, DateRange Dates);

public sealed record InductionPeriod(int Id, Guid AppropriateBodyId, DateRange Dates, TrainingProgramme Programme, decimal? NumberOfTerms = null, InductionOutcome? Outcome = null);

public sealed record InductionExtension(int Id, Guid AppropriateBodyId, decimal NumberOfTerms, DateOnly AddedOn);

public sealed record Teacher
{
    public const string StreamType = "teacher";

    /// A teacher nobody has registered yet.
    public static readonly Teacher Initial = new();

    public Guid Id { get; init; }
    public bool Exists { get; init; }
    public string Trn { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;

    public ImmutableList<EctAtSchoolPeriod> EctPeriods { get; init; } = [];
    public ImmutableList<MentorAtSchoolPeriod> MentorPeriods { get; init; } = [];
    public ImmutableList<TrainingPeriod> TrainingPeriods { get; init; } = [];
    public ImmutableList<Mentorship> Mentorships { get; init; } = [];
    public ImmutableList<Mentoring> Mentorings { get; init; } = [];
    public ImmutableList<InductionPeriod> InductionPeriods { get; init; } = [];
    public ImmutableList<InductionExtension> InductionExtensions { get; init; } = [];

    public DateOnly? EctEligibleForFundingOn { get; init; }
    public DateOnly? EctIneligibleForFundingOn { get; init; }
    public DateOnly? MentorEligibleForFundingOn { get; init; }
    public DateOnly? MentorIneligibleForFundingOn { get; init; }
    public MentorIneligibilityReason? MentorIneligibilityReason { get; init; }
    public int? EctPaymentsFrozenYear { get; init; }
    public int? MentorPaymentsFrozenYear { get; init; }

    /// Status of the latest training period per role; null when there has been none.
    public TrainingStatus? EctTrainingStatus { get; init; }
    public TrainingStatus? MentorTrainingStatus { get; init; }
    public InductionStatus InductionStatus { get; init; }

    public Guid? MergedInto { get; init; }
    public ImmutableList<Guid> MergedFrom { get; init; } = [];
    public bool Erased { get; init; }

    /// The highest period id used in this stream.
    public int LastId { get; init; }

    // A switch statement, and a block of its own for each case whose lambdas capture the event: a captured pattern variable
    // put the closure at the top of the method, allocated on every call whichever case matched (216 bytes per event, and a
    // rebuild folds each teacher event twice).
    public static Teacher Evolve(Teacher state, object @event)
    {
        switch (@event)
        {
            case TeacherRegisteredAsEct e: return state.Registered(e.TeacherId, e.Trn, e.Name, e.EctPeriodId) with
                {
                    EctPeriods = state.EctPeriods.Add(new(e.EctPeriodId, e.SchoolId, new(e.StartedOn, null), e.Email, e.WorkingPattern, e.AppropriateBodyId)),
                };
            case TeacherRegisteredAsMentor e: return state.Registered(e.TeacherId, e.Trn, e.Name, e.MentorPeriodId) with
                {
                    MentorPeriods = state.MentorPeriods.Add(new(e.MentorPeriodId, e.SchoolId, new(e.StartedOn, null), e.Email)),
                };
            case TeacherLeftSchoolAsEct matched:
            {
                var e = matched;
                return state with { EctPeriods = Update(state.EctPeriods, p => p.Id == e.EctPeriodId, p => p with { Dates = p.Dates.FinishedOn(e.FinishedOn) }) };
            }
            case TeacherLeftSchoolAsMentor matched:
            {
                var e = matched;
                return state with { MentorPeriods = Update(state.MentorPeriods, p => p.Id == e.MentorPeriodId, p => p with { Dates = p.Dates.FinishedOn(e.FinishedOn) }) };
            }
            case EctAtSchoolPeriodRemoved matched:
            {
                var e = matched;
                return state with { EctPeriods = state.EctPeriods.RemoveAll(p => p.Id == e.EctPeriodId) };
            }
            case MentorAtSchoolPeriodRemoved matched:
            {
                var e = matched;
                return state with { MentorPeriods = state.MentorPeriods.RemoveAll(p => p.Id == e.MentorPeriodId) };
            }
            case EctAtSchoolPeriodMovedSchool matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods,
                        p => p.Role == TeacherRole.Ect && p.AtSchoolPeriodId == e.EctPeriodId, p => p with { SchoolId = e.ToSchoolId })) with
                    {
                        EctPeriods = Update(state.EctPeriods, p => p.Id == e.EctPeriodId, p => p with { SchoolId = e.ToSchoolId }),
                    };
            }
            case MentorAtSchoolPeriodMovedSchool matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods,
                        p => p.Role == TeacherRole.Mentor && p.AtSchoolPeriodId == e.MentorPeriodId, p => p with { SchoolId = e.ToSchoolId })) with
                    {
                        MentorPeriods = Update(state.MentorPeriods, p => p.Id == e.MentorPeriodId, p => p with { SchoolId = e.ToSchoolId }),
                    };
            }
            case MentorAtSchoolPeriodsMerged matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods,
                        p => p.Role == TeacherRole.Mentor && p.AtSchoolPeriodId == e.MentorPeriodId, p => p with { AtSchoolPeriodId = e.IntoMentorPeriodId, SchoolId = e.ToSchoolId })) with
                    {
                        MentorPeriods = Update(state.MentorPeriods.RemoveAll(p => p.Id == e.MentorPeriodId), p => p.Id == e.IntoMentorPeriodId,
                            p => p with { Dates = new(e.StartedOn, e.FinishedOn) }),
                        Mentorings = Update(state.Mentorings, m => m.MentorPeriodId == e.MentorPeriodId, m => m with { MentorPeriodId = e.IntoMentorPeriodId }),
                    };
            }
            case TrainingPeriodPartnershipRecreated matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods, p => p.Id == e.TrainingPeriodId,
                        p => p with { ProviderLed = p.ProviderLed! with { PartnershipId = e.ToPartnershipId } }));
            }
            case TrainingPeriodStarted e: return state.WithTraining(state.TrainingPeriods.Add(
                    new(e.TrainingPeriodId, e.Role, e.AtSchoolPeriodId, e.SchoolId, new(e.StartedOn, e.FinishedOn), e.Programme, e.ProviderLed))) with { LastId = Math.Max(state.LastId, e.TrainingPeriodId) };
            case TrainingPeriodFinished matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods, p => p.Id == e.TrainingPeriodId, p => p with { Dates = p.Dates.FinishedOn(e.FinishedOn) }));
            }
            case TrainingPeriodRemoved matched:
            {
                var e = matched;
                return state.WithTraining(state.TrainingPeriods.RemoveAll(p => p.Id == e.TrainingPeriodId));
            }
            // Deferring or withdrawing ends the period no later than that day, as in the reference service.
            case TrainingPeriodDeferred matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods, p => p.Id == e.TrainingPeriodId, p => p with
                    {
                        Status = TrainingStatus.Deferred, DeferralReason = e.Reason, Dates = p.Dates.FinishedOn(Dates.Min(p.Dates.End, e.DeferredOn)!.Value),
                    }));
            }
            case TrainingPeriodWithdrawn matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods, p => p.Id == e.TrainingPeriodId, p => p with
                    {
                        Status = TrainingStatus.Withdrawn, WithdrawalReason = e.Reason, Dates = p.Dates.FinishedOn(Dates.Min(p.Dates.End, e.WithdrawnOn)!.Value),
                    }));
            }
            case CohortChangedAfterPaymentsFrozen { Role: TeacherRole.Ect } e: return state with { EctPaymentsFrozenYear = e.FrozenYear };
            case CohortChangedAfterPaymentsFrozen e: return state with { MentorPaymentsFrozenYear = e.FrozenYear };
            case MentorshipStarted e: return state with
                {
                    Mentorships = state.Mentorships.Add(new(e.MentorshipId, e.EctPeriodId, e.MentorId, e.MentorPeriodId, new(e.StartedOn, e.FinishedOn))),
                    LastId = Math.Max(state.LastId, e.MentorshipId),
                };
            case MentorshipFinished matched:
            {
                var e = matched;
                return state with { Mentorships = Update(state.Mentorships, m => m.Id == e.MentorshipId, m => m with { Dates = m.Dates.FinishedOn(e.FinishedOn) }) };
            }
            case MentorshipRemoved matched:
            {
                var e = matched;
                return state with { Mentorships = state.Mentorships.RemoveAll(m => m.Id == e.MentorshipId) };
            }
            case MentoringStarted e: return state with { Mentorings = state.Mentorings.Add(new(e.MenteeId, e.MentorshipId, e.MentorPeriodId, new(e.StartedOn, e.FinishedOn))) };
            case MentoringFinished matched:
            {
                var e = matched;
                return state with
                    {
                        Mentorings = Update(state.Mentorings, m => m.MenteeId == e.MenteeId && m.MentorshipId == e.MentorshipId, m => m with { Dates = m.Dates.FinishedOn(e.FinishedOn) }),
                    };
            }
            case MentoringRemoved matched:
            {
                var e = matched;
                return state with { Mentorings = state.Mentorings.RemoveAll(m => m.MenteeId == e.MenteeId && m.MentorshipId == e.MentorshipId) };
            }
            case TeacherEmailChanged { Role: TeacherRole.Ect } matched:
            {
                var e = matched;
                return state with { EctPeriods = Update(state.EctPeriods, p => p.Id == e.AtSchoolPeriodId, p => p with { Email = e.Email }) };
            }
            case TeacherEmailChanged matched:
            {
                var e = matched;
                return state with { MentorPeriods = Update(state.MentorPeriods, p => p.Id == e.AtSchoolPeriodId, p => p with { Email = e.Email }) };
            }
            case EctWorkingPatternChanged matched:
            {
                var e = matched;
                return state with { EctPeriods = Update(state.EctPeriods, p => p.Id == e.EctPeriodId, p => p with { WorkingPattern = e.WorkingPattern }) };
            }
            case TeacherNameCorrected e: return state with { Name = e.Name };
            case InductionPeriodOpened e: return state with
                {
                    InductionPeriods = state.InductionPeriods.Add(new(e.InductionPeriodId, e.AppropriateBodyId, new(e.StartedOn, null), e.Programme)),
                    InductionStatus = InductionStatus.InProgress,
                    LastId = Math.Max(state.LastId, e.InductionPeriodId),
                };
            case InductionPeriodClosed matched:
            {
                var e = matched;
                return state with
                    {
                        InductionPeriods = Update(state.InductionPeriods, p => p.Id == e.InductionPeriodId, p => p with { Dates = p.Dates.FinishedOn(e.FinishedOn), NumberOfTerms = e.NumberOfTerms }),
                        InductionStatus = InductionStatus.Paused,
                    };
            }
            case InductionOutcomeRecorded matched:
            {
                var e = matched;
                return state with
                    {
                        InductionPeriods = Update(state.InductionPeriods, p => p.Id == e.InductionPeriodId,
                            p => p with { Dates = p.Dates.FinishedOn(e.FinishedOn), NumberOfTerms = e.NumberOfTerms, Outcome = e.Outcome }),
                        InductionStatus = e.Outcome == InductionOutcome.Pass ? InductionStatus.Passed : InductionStatus.Failed,
                    };
            }
            case InductionExtensionAdded e: return state with
                {
                    InductionExtensions = state.InductionExtensions.Add(new(e.ExtensionId, e.AppropriateBodyId, e.NumberOfTerms, e.AddedOn)),
                    LastId = Math.Max(state.LastId, e.ExtensionId),
                };
            case TeacherFundingEligibilitySet { Role: TeacherRole.Ect } e: return state with { EctEligibleForFundingOn = state.EctEligibleForFundingOn ?? e.EligibleOn };
            case TeacherFundingEligibilitySet e: return state with { MentorEligibleForFundingOn = state.MentorEligibleForFundingOn ?? e.EligibleOn };
            case TeacherBecameIneligibleForFunding { Role: TeacherRole.Ect } e: return state with { EctIneligibleForFundingOn = e.IneligibleOn };
            case TeacherBecameIneligibleForFunding e: return state with { MentorIneligibleForFundingOn = e.IneligibleOn, MentorIneligibilityReason = e.Reason };
            case TeacherMerged e: return state with { MergedInto = e.IntoTeacherId };
            case TeacherIdChanged e: return state with { MergedFrom = state.MergedFrom.Add(e.FromTeacherId) };
            case TeacherHistoryMerged e: return state.WithMergedHistory(e);
            case TeacherHistoryMoved: return state.WithTraining([]) with
                {
                    EctPeriods = [], MentorPeriods = [], Mentorships = [], Mentorings = [], InductionPeriods = [], InductionExtensions = [],
                    InductionStatus = InductionStatus.None,
                };
            case TeacherPersonalDataErased: return state with { Erased = true };
            case EctStartDateCorrected matched:
            {
                var e = matched;
                return state with { EctPeriods = Update(state.EctPeriods, p => p.Id == e.EctPeriodId, p => p with { Dates = p.Dates with { Start = e.ToStartedOn } }) };
            }
            case LeavingDateCorrected { Role: TeacherRole.Ect } matched:
            {
                var e = matched;
                return state with
                    {
                        EctPeriods = Update(state.EctPeriods, p => p.Id == e.AtSchoolPeriodId, p => p with { Dates = p.Dates.FinishedOn(e.ToFinishedOn) }),
                    };
            }
            case LeavingDateCorrected matched:
            {
                var e = matched;
                return state with
                    {
                        MentorPeriods = Update(state.MentorPeriods, p => p.Id == e.AtSchoolPeriodId, p => p with { Dates = p.Dates.FinishedOn(e.ToFinishedOn) }),
                    };
            }
            case TrainingScheduleChanged matched:
            {
                var e = matched;
                return state.WithTraining(Update(state.TrainingPeriods, p => p.Id == e.ToTrainingPeriodId, p => p with
                    {
                        ProviderLed = p.ProviderLed! with
                        {
                            ContractPeriodYear = e.ContractPeriodYear, ScheduleIdentifier = e.ScheduleIdentifier, PartnershipId = e.PartnershipId, DeliveryPartnerId = e.DeliveryPartnerId,
                        },
                    }));
            }
            default: return state;
        }
    }

    // A returning teacher keeps the identity and name they were first registered with.
    private Teacher Registered(Guid id, string trn, string name, int periodId) =>
        (Exists ? this : this with { Id = id, Exists = true, Trn = trn, Name = name }) with { LastId = Math.Max(LastId, periodId) };

    // The duplicate's periods join this teacher's; the statuses are worked out again from everything held now.
    private Teacher WithMergedHistory(TeacherHistoryMerged e)
    {
        var inductions = InductionPeriods.AddRange(e.InductionPeriods);
        return WithTraining(TrainingPeriods.AddRange(e.TrainingPeriods)) with
        {
            EctPeriods = EctPeriods.AddRange(e.EctPeriods.Select(p => p with { Email = e.Emails?.GetValueOrDefault(p.Id) })),
            MentorPeriods = MentorPeriods.AddRange(e.MentorPeriods.Select(p => p with { Email = e.Emails?.GetValueOrDefault(p.Id) })),
            Mentorships = Mentorships.AddRange(e.Mentorships),
            Mentorings = Mentorings.AddRange(e.Mentorings),
            InductionPeriods = inductions,
            InductionExtensions = InductionExtensions.AddRange(e.InductionExtensions),
            InductionStatus = StatusOf(inductions),
            LastId = e.NewIds.Values.Append(LastId).Max(),
        };
    }

    private static InductionStatus StatusOf(ImmutableList<InductionPeriod> periods) =>
        periods.FirstOrDefault(p => p.Outcome is not null)?.Outcome switch
        {
            InductionOutcome.Pass => InductionStatus.Passed,
            InductionOutcome.Fail => InductionStatus.Failed,
            _ when periods.Any(p => p.Dates.IsOpen) => InductionStatus.InProgress,
            _ when periods.Count > 0 => InductionStatus.Paused,
            _ => InductionStatus.None,
        };

    // Statuses are kept as state, refreshed whenever training periods change.
    private Teacher WithTraining(ImmutableList<TrainingPeriod> periods) => this with
    {
        TrainingPeriods = periods,
        EctTrainingStatus = Latest(periods, TeacherRole.Ect)?.Status,
        MentorTrainingStatus = Latest(periods, TeacherRole.Mentor)?.Status,
    };

    private static TrainingPeriod? Latest(ImmutableList<TrainingPeriod> periods, TeacherRole role, bool providerLedOnly = false)
    {
        // A loop rather than Where(…).MaxBy(…), which allocated a closure, a delegate and two iterators on every training
        // event, twice (the projections fold every teacher event). The first of equal start dates wins, as with MaxBy.
        TrainingPeriod? latest = null;
        foreach (var p in periods)
            if (p.Role == role && (!providerLedOnly || p.ProviderLed is not null) && (latest is null || p.Dates.Start > latest.Dates.Start))
                latest = p;
        return latest;
    }

    private static ImmutableList<T> Update<T>(ImmutableList<T> items, Func<T, bool> match, Func<T, T> change) =>
        items.Select(i => match(i) ? change(i) : i).ToImmutableList();

    // Look-ups the deciders share.

    public TrainingPeriod? LatestTraining(TeacherRole role) => Latest(TrainingPeriods, role);

    public TrainingPeriod? LatestProviderLedTraining(TeacherRole role) => Latest(TrainingPeriods, role, providerLedOnly: true);

    /// The ECT period at the school that is running or yet to start.
    public EctAtSchoolPeriod? CurrentOrNextEctPeriodAt(Guid schoolId, DateOnly today) =>
        EctPeriods.Where(p => p.SchoolId == schoolId && p.Dates.IsCurrentOrFuture(today)).MaxBy(p => p.Dates.Start);

    public MentorAtSchoolPeriod? CurrentOrNextMentorPeriodAt(Guid schoolId, DateOnly today) =>
        MentorPeriods.Where(p => p.SchoolId == schoolId && p.Dates.IsCurrentOrFuture(today)).MaxBy(p => p.Dates.Start);

    public IEnumerable<TrainingPeriod> TrainingIn(TeacherRole role, int atSchoolPeriodId) =>
        TrainingPeriods.Where(p => p.Role == role && p.AtSchoolPeriodId == atSchoolPeriodId);

    public TrainingPeriod? CurrentOrNextTraining(TeacherRole role, int atSchoolPeriodId, DateOnly today) =>
        TrainingIn(role, atSchoolPeriodId).Where(p => p.Dates.IsCurrentOrFuture(today)).MinBy(p => p.Dates.Start);

    public Mentorship? CurrentOrNextMentorship(int ectPeriodId, DateOnly today) =>
        Mentorships.Where(m => m.EctPeriodId == ectPeriodId && m.Dates.IsCurrentOrFuture(today)).MinBy(m => m.Dates.Start);

    public InductionPeriod? OpenInduction => InductionPeriods.FirstOrDefault(p => p.Dates.IsOpen);

    /// The lead provider API's eligible_for_funding: whichever of eligible and ineligible came first.
    public bool? EligibleForFunding(TeacherRole role)
    {
        var (eligible, ineligible) = role == TeacherRole.Ect
            ? (EctEligibleForFundingOn, EctIneligibleForFundingOn)
            : (MentorEligibleForFundingOn, MentorIneligibleForFundingOn);
        return (eligible, ineligible) switch
        {
            (null, null) => null,
            (not null, null) => true,
            (null, not null) => false,
            _ => eligible <= ineligible,
        };
    }

    /// Merged and erased records take no more commands; their history stays as it was.
    internal void EnsureActive()
    {
        if (!Exists) throw new RuleViolation("teacher_not_found", "The teacher is not registered");
        if (MergedInto is not null) throw new RuleViolation("teacher_merged", "This teacher's record has been merged into another record");
        if (Erased) throw new RuleViolation("teacher_erased", "This teacher's personal data has been erased");
    }

    public string DisplayName => Name.Length > 0 ? Name : "Unknown";
}
