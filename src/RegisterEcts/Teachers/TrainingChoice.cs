using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Which cohort, schedule and partnership new provider-led training gets (rect-domain §4.1, §5.3, §5.4).
internal sealed record TrainingChoice(ProviderLedTraining Training, int? FrozenYearLeft)
{
    public const string FrozenCohortSchedule = "ecf-extended-september";

    /// <param name="cohortDate">The date whose cohort a first registration joins (the at-school start).</param>
    /// <param name="trainingStart">When the new training starts; it picks the schedule's month.</param>
    public static TrainingChoice For(
        Teacher teacher, TeacherRole role, Guid schoolId, Guid leadProviderId, DateOnly cohortDate, DateOnly trainingStart,
        IReadOnlyList<SchoolPartnership> partnerships, ReferenceData reference, DateOnly today)
    {
        var previous = teacher.LatestProviderLedTraining(role)?.ProviderLed;
        var frozen = previous is not null && reference.IsPaymentsFrozen(previous.ContractPeriodYear, today);
        var (year, schedule, frozenYear) = (previous, frozen) switch
        {
            // Closed cohorts cannot be paid any more, so returning ECTs move to the successor cohort.
            (not null, true) when role == TeacherRole.Ect =>
                (ReferenceData.SuccessorContractYear, FrozenCohortSchedule, (int?)previous.ContractPeriodYear),
            (not null, false) => (previous.ContractPeriodYear, previous.ScheduleIdentifier, null),
            _ => (CohortFor(cohortDate, reference, today), DefaultSchedule(trainingStart, today), null),
        };
        return Make(leadProviderId, year, schedule, frozenYear, schoolId, partnerships, reference);
    }

    public static TrainingChoice Make(
        Guid leadProviderId, int year, string schedule, int? frozenYear, Guid schoolId,
        IReadOnlyList<SchoolPartnership> partnerships, ReferenceData reference)
    {
        if (reference.FindSchedule(year, schedule) is null)
            throw new RuleViolation("schedule_not_found", $"There is no {schedule} schedule for the {year} cohort");
        if (!reference.IsLeadProviderActive(leadProviderId, year))
            throw new RuleViolation("lead_provider_not_active",
                $"{reference.LeadProviderName(leadProviderId)} is not contracted to train teachers in the {year} cohort");
        // The earliest partnership wins, as in the reference service; without one the school has only expressed an interest.
        var partnership = partnerships.FirstOrDefault(p => p.SchoolId == schoolId && p.LeadProviderId == leadProviderId && p.ContractPeriodYear == year);
        return new(new(leadProviderId, year, schedule, partnership?.PartnershipId, partnership?.DeliveryPartnerId), frozenYear);
    }

    public static int CohortFor(DateOnly date, ReferenceData reference, DateOnly today) =>
        reference.ContractPeriodForRegistration(date, today)?.Year
        ?? throw new RuleViolation("contract_period_not_found", $"There is no cohort open for {Dates.Govuk(date)}");

    /// ecf-standard-{september|january|april} by the month training starts (or today, if later).
    public static string DefaultSchedule(DateOnly trainingStart, DateOnly today) =>
        Dates.Max(trainingStart, today).Month switch
        {
            >= 6 and <= 10 => "ecf-standard-september",
            11 or 12 or 1 or 2 => "ecf-standard-january",
            _ => "ecf-standard-april",
        };
}
