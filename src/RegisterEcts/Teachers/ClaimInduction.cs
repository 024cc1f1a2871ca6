using FluentValidation;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// An appropriate body takes on a registered teacher's statutory induction.
public sealed record ClaimInduction(Guid TeacherId, Guid AppropriateBodyId, DateOnly StartedOn, TrainingProgramme Programme, DateOnly Today)
{
    /// Inductions claimed through this service began under the ECF reforms.
    public static readonly DateOnly EarliestStart = new(2021, 9, 1);

    public sealed class Validator : AbstractValidator<ClaimInduction>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.AppropriateBodyId).NotEmpty();
            RuleFor(c => c.Programme).IsInEnum();
        }
    }

    public static IReadOnlyList<object> Decide(ClaimInduction command, Teacher state, ReferenceData reference)
    {
        state.EnsureActive();
        if (!reference.IsAppropriateBodyActive(command.AppropriateBodyId))
            throw new RuleViolation("appropriate_body_not_active", "The appropriate body is not active");
        if (state.InductionPeriods.Any(p => p.Outcome is not null))
            throw new RuleViolation("induction_already_completed", $"{state.DisplayName} has already completed their induction");
        if (state.OpenInduction is { } open)
            return open.AppropriateBodyId == command.AppropriateBodyId && open.Dates.Start == command.StartedOn
                ? []
                : throw new RuleViolation("induction_already_claimed", $"{state.DisplayName} is already claimed by an appropriate body");
        if (command.StartedOn < EarliestStart)
            throw new RuleViolation("induction_start_too_early", $"Start date must be on or after {Dates.Govuk(EarliestStart)}");
        if (command.StartedOn > command.Today)
            throw new RuleViolation("induction_start_in_future", "Start date cannot be in the future");
        if (state.InductionPeriods.Any(p => p.Dates.RunsOnOrAfter(command.StartedOn)))
            throw new RuleViolation("induction_period_overlaps", "Start date cannot overlap another induction period");

        var decision = new TeacherDecision(command.TeacherId, state);
        decision.Add(new InductionPeriodOpened(command.TeacherId, decision.NextId, command.AppropriateBodyId, command.StartedOn, command.Programme));
        decision.SetEctFundingEligibility(command.Today);
        return decision.Events;
    }
}
