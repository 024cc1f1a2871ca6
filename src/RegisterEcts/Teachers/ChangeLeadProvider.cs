using FluentValidation;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// The school changes who trains an ECT or a mentor. The caller passes the school's partnerships with the new lead provider.
public sealed record ChangeLeadProvider(
    Guid TeacherId,
    TeacherRole Role,
    Guid SchoolId,
    Guid LeadProviderId,
    IReadOnlyList<SchoolPartnership> Partnerships,
    DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ChangeLeadProvider>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.Role).IsInEnum();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty().WithMessage("Select a lead provider");
            RuleFor(c => c.Partnerships).NotNull();
        }
    }

    public static IReadOnlyList<object> Decide(ChangeLeadProvider command, Teacher state, ReferenceData reference)
    {
        state.EnsureActive();
        var today = command.Today;
        var (atSchoolId, atSchool) = command.Role == TeacherRole.Ect
            ? state.CurrentOrNextEctPeriodAt(command.SchoolId, today) is { } e ? (e.Id, e.Dates) : throw NotAtSchool(state, TeacherRole.Ect)
            : state.CurrentOrNextMentorPeriodAt(command.SchoolId, today) is { } m ? (m.Id, m.Dates) : throw NotAtSchool(state, TeacherRole.Mentor);
        var current = state.CurrentOrNextTraining(command.Role, atSchoolId, today)
            ?? throw new RuleViolation("no_training_period", $"{state.DisplayName} has no current training at your school");
        if (current.ProviderLed is not { } old)
            throw new RuleViolation("school_led_training",
                $"{state.DisplayName} is on school-led training, which has no lead provider. Change their training programme instead");
        if (old.LeadProviderId == command.LeadProviderId)
            throw new RuleViolation("lead_provider_unchanged", $"{reference.LeadProviderName(old.LeadProviderId)} already trains {state.DisplayName}");

        var decision = new TeacherDecision(command.TeacherId, state);
        var frozen = reference.IsPaymentsFrozen(old.ContractPeriodYear, today);
        DateOnly start;
        TrainingChoice choice;
        if (current.Dates.Start >= today)
        {
            // Not started yet: the same period, with the new lead provider.
            start = current.Dates.Start;
            decision.Add(new TrainingPeriodRemoved(command.TeacherId, current.Id, today));
            choice = TrainingChoice.Make(command.LeadProviderId, old.ContractPeriodYear, old.ScheduleIdentifier, null, command.SchoolId, command.Partnerships, reference);
        }
        else
        {
            start = Dates.Max(atSchool.Start, today);
            if (current.IsConfirmed)
                decision.EndTrainingBefore(current, today);
            else
                decision.Add(new TrainingPeriodRemoved(command.TeacherId, current.Id, today));
            choice = (frozen, current.IsConfirmed) switch
            {
                (true, true) when command.Role == TeacherRole.Ect => TrainingChoice.Make(command.LeadProviderId,
                    ReferenceData.SuccessorContractYear, TrainingChoice.FrozenCohortSchedule, old.ContractPeriodYear, command.SchoolId, command.Partnerships, reference),
                // An unconfirmed interest in a closed cohort goes, and the teacher starts afresh in today's cohort.
                (true, false) => TrainingChoice.Make(command.LeadProviderId, TrainingChoice.CohortFor(today, reference, today),
                    TrainingChoice.DefaultSchedule(start, today), null, command.SchoolId, command.Partnerships, reference),
                _ => TrainingChoice.Make(command.LeadProviderId, old.ContractPeriodYear, old.ScheduleIdentifier, null, command.SchoolId, command.Partnerships, reference),
            };
        }
        if (choice.FrozenYearLeft is { } frozenYear)
            decision.Add(new CohortChangedAfterPaymentsFrozen(command.TeacherId, command.Role, frozenYear, choice.Training.ContractPeriodYear, today));
        decision.Add(new TrainingPeriodStarted(command.TeacherId, decision.NextId, command.Role, atSchoolId, command.SchoolId,
            start, atSchool.End, TrainingProgramme.ProviderLed, choice.Training));
        decision.Add(new TrainingLeadProviderChanged(command.TeacherId, command.Role, old.LeadProviderId, command.LeadProviderId, today));
        return decision.Events;
    }

    private static RuleViolation NotAtSchool(Teacher state, TeacherRole role) => role == TeacherRole.Ect
        ? new("ect_not_at_school", $"{state.DisplayName} is not registered as an ECT at your school")
        : new("mentor_not_at_school", $"{state.DisplayName} is not registered as a mentor at your school");
}
