using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

public sealed record AddInductionExtension(Guid TeacherId, Guid AppropriateBodyId, decimal NumberOfTerms, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<AddInductionExtension>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.AppropriateBodyId).NotEmpty();
            RuleFor(c => c.NumberOfTerms).MustBeTerms(0.1m);
        }
    }

    public static IReadOnlyList<object> Decide(AddInductionExtension command, Teacher state)
    {
        state.EnsureActive();
        if (state.InductionPeriods.Any(p => p.Outcome is not null))
            throw new RuleViolation("induction_already_completed", $"{state.DisplayName} has already completed their induction");
        var latest = state.InductionPeriods.MaxBy(p => p.Dates.Start);
        if (latest?.AppropriateBodyId != command.AppropriateBodyId)
            throw new RuleViolation("induction_not_claimed_by_appropriate_body", $"Your appropriate body is not running {state.DisplayName}'s induction");
        return [new InductionExtensionAdded(command.TeacherId, state.LastId + 1, command.AppropriateBodyId, command.NumberOfTerms, command.Today)];
    }
}
