using FluentValidation;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// The school switches an ECT between provider-led and school-led training.
public sealed record ChangeTrainingProgramme(
    Guid TeacherId,
    Guid SchoolId,
    TrainingProgramme Programme,
    Guid? LeadProviderId,
    IReadOnlyList<SchoolPartnership> Partnerships,
    DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ChangeTrainingProgramme>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.Programme).IsInEnum();
            this.LeadProviderMatchesProgramme(c => c.Programme, c => c.LeadProviderId);
            RuleFor(c => c.Partnerships).NotNull();
        }
    }

    public static IReadOnlyList<object> Decide(ChangeTrainingProgramme command, Teacher state, ReferenceData reference)
    {
        state.EnsureActive();
        var today = command.Today;
        var period = state.CurrentOrNextEctPeriodAt(command.SchoolId, today)
            ?? throw new RuleViolation("ect_not_at_school", $"{state.DisplayName} is not registered as an ECT at your school");
        var current = state.CurrentOrNextTraining(TeacherRole.Ect, period.Id, today);
        if (current?.Programme == command.Programme) return [];

        var decision = new TeacherDecision(command.TeacherId, state);
        var start = Dates.Max(period.Dates.Start, today);
        if (current is not null)
        {
            // An expression of interest that no lead provider confirmed leaves no trace worth keeping.
            if (current.Programme == TrainingProgramme.ProviderLed && !current.IsConfirmed)
                decision.Add(new TrainingPeriodRemoved(command.TeacherId, current.Id, today));
            else
                decision.EndTrainingBefore(current, start);
        }

        ProviderLedTraining? providerLed = null;
        if (command.Programme == TrainingProgramme.ProviderLed)
        {
            var choice = TrainingChoice.For(decision.State, TeacherRole.Ect, command.SchoolId, command.LeadProviderId!.Value,
                start, start, command.Partnerships, reference, today);
            providerLed = choice.Training;
            if (choice.FrozenYearLeft is { } frozenYear)
                decision.Add(new CohortChangedAfterPaymentsFrozen(command.TeacherId, TeacherRole.Ect, frozenYear, choice.Training.ContractPeriodYear, today));
        }
        decision.Add(new TrainingPeriodStarted(command.TeacherId, decision.NextId, TeacherRole.Ect, period.Id, command.SchoolId,
            start, period.Dates.End, command.Programme, providerLed));
        var from = command.Programme == TrainingProgramme.ProviderLed ? TrainingProgramme.SchoolLed : TrainingProgramme.ProviderLed;
        decision.Add(new TrainingProgrammeChanged(command.TeacherId, period.Id, from, command.Programme, today));
        return decision.Events;
    }
}
