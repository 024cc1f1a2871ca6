using FluentValidation;
using RegisterEcts.Declarations;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// A lead provider moves its latest training for the course onto another schedule, and maybe into another cohort
/// (PUT /participants/{id}/change-schedule). The caller passes the school's partnerships (for a cohort change) and
/// the declarations of the training period (which must still fit the new schedule).
public sealed record ChangeSchedule(
    Guid TeacherId, Guid LeadProviderId, string? CourseIdentifier, string? ScheduleIdentifier, int? Cohort,
    IReadOnlyList<SchoolPartnership> Partnerships, IReadOnlyList<DeclarationSummary> Declarations, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ChangeSchedule>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
            RuleFor(c => c.Partnerships).NotNull();
            RuleFor(c => c.Declarations).NotNull();
        }
    }

    private const string InvalidSchedule = "The property '#/schedule_identifier' must be present and correspond to a valid schedule.";

    public static IReadOnlyList<object> Decide(ChangeSchedule command, Teacher state, ReferenceData reference)
    {
        var (role, period) = LeadProviderParticipant.Resolve(state, command.LeadProviderId, command.CourseIdentifier);
        var today = command.Today;
        var identifier = command.ScheduleIdentifier;
        if (string.IsNullOrWhiteSpace(identifier)) throw new RuleViolation("schedule_identifier", InvalidSchedule);
        if (!ReferenceSeed.ScheduleIdentifiers.Contains(identifier)) throw new RuleViolation("schedule_identifier", "Enter a valid schedule identifier.");
        var reduced = identifier.StartsWith("ecf-reduced-", StringComparison.Ordinal);

        // The participant first: what they are doing now decides whether any schedule can change.
        var completed = role == TeacherRole.Ect
            ? state.InductionStatus is InductionStatus.Passed or InductionStatus.Failed && !reduced
            : state.MentorIneligibleForFundingOn is not null;
        if (completed)
            throw new RuleViolation("participant_id", "You cannot change this participant's schedule as they have completed their training or induction.");
        if (period.Status == TrainingStatus.Withdrawn && period.Dates.End > today)
            throw new RuleViolation("participant_id", "Cannot perform actions on a withdrawn participant");
        if (period.Dates.End <= today)
            throw new RuleViolation("participant_id",
                "You cannot change this participant's schedule. This is because the participant has a 'left' participant_status, so they are not training with you currently.");
        if (state.TrainingPeriods.Any(p => p.Role == role && p.Dates.Start > period.Dates.Start && p.Dates.Start > today))
            throw new RuleViolation("participant_id", "You cannot change this participant's schedule as they are due to start with another lead provider in the future.");

        var current = period.ProviderLed!;
        var year = command.Cohort ?? current.ContractPeriodYear;
        var (partnershipId, deliveryPartnerId) = (current.PartnershipId, current.DeliveryPartnerId);
        if (year != current.ContractPeriodYear)
        {
            var partnerships = command.Partnerships
                .Where(p => p.SchoolId == period.SchoolId && p.LeadProviderId == command.LeadProviderId && p.ContractPeriodYear == year).ToList();
            // Same delivery partner if the school still works with it that year, else the newest partnership.
            var partnership = partnerships.FirstOrDefault(p => p.DeliveryPartnerId == current.DeliveryPartnerId) ?? partnerships.LastOrDefault()
                ?? throw new RuleViolation("cohort",
                    "You cannot change a participant to this contract_period as you do not have a partnership with the school for the contract_period. Contact the DfE for assistance.");
            var frozenYear = role == TeacherRole.Ect ? state.EctPaymentsFrozenYear : state.MentorPaymentsFrozenYear;
            if (reference.IsPaymentsFrozen(year, today) && frozenYear != year)
                throw new RuleViolation("cohort", "You cannot move a participant to a payments frozen cohort unless they previously belonged to that cohort.");
            (partnershipId, deliveryPartnerId) = (partnership.PartnershipId, partnership.DeliveryPartnerId);
        }

        var schedule = reference.FindSchedule(year, identifier) ?? throw new RuleViolation("schedule_identifier", InvalidSchedule);
        if (year == current.ContractPeriodYear && identifier == current.ScheduleIdentifier)
            throw new RuleViolation("schedule_identifier", "Selected schedule is already on the profile");
        if (role == TeacherRole.Ect && identifier.StartsWith("ecf-replacement-", StringComparison.Ordinal))
            throw new RuleViolation("schedule_identifier", "Selected schedule is not valid for the course_identifier");
        if (role == TeacherRole.Mentor && reduced)
            throw new RuleViolation("schedule_identifier", "Mentors cannot be placed on a reduced schedule. Assign them to a different schedule.");

        var startedBeforeToday = period.Dates.Start < today;
        if (!startedBeforeToday && command.Declarations.Any(d => d.TrainingPeriodId == period.Id && d.TeacherId == command.TeacherId && d.State.IsLive()
                && MilestoneRules.Check(schedule, d.DeclarationType, d.DeclarationDate) is not null))
            throw new RuleViolation("schedule_identifier",
                "The change of schedule cannot be applied because a previous change of schedule and a declaration were made on the same day. Applying another change of schedule would invalidate existing declarations. Please contact DfE for assistance.");

        var events = new List<object>();
        var frozenLeft = reference.IsPaymentsFrozen(current.ContractPeriodYear, today) && year != current.ContractPeriodYear;
        if (frozenLeft)
            events.Add(new CohortChangedAfterPaymentsFrozen(command.TeacherId, role, current.ContractPeriodYear, year, today));
        var toId = period.Id;
        if (startedBeforeToday)
        {
            // History stays on the old schedule: it ends yesterday and the new schedule starts today.
            toId = state.LastId + 1;
            events.Add(new TrainingPeriodFinished(command.TeacherId, period.Id, today.AddDays(-1)));
            events.Add(new TrainingPeriodStarted(command.TeacherId, toId, role, period.AtSchoolPeriodId, period.SchoolId, today, period.Dates.End,
                TrainingProgramme.ProviderLed, current with { ContractPeriodYear = year, ScheduleIdentifier = identifier, PartnershipId = partnershipId, DeliveryPartnerId = deliveryPartnerId }));
        }
        events.Add(new TrainingScheduleChanged(command.TeacherId, period.Id, toId, year, identifier, partnershipId, deliveryPartnerId, today));
        return events;
    }
}
