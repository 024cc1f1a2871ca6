using FluentValidation;

namespace RegisterEcts.Teachers;

/// The appropriate body stops running the induction without an outcome; the ECT stays at their school.
public sealed record ReleaseInduction(Guid TeacherId, Guid AppropriateBodyId, DateOnly FinishedOn, decimal NumberOfTerms, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ReleaseInduction>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.AppropriateBodyId).NotEmpty();
            RuleFor(c => c.NumberOfTerms).MustBeTerms(0m);
        }
    }

    public static IReadOnlyList<object> Decide(ReleaseInduction command, Teacher state)
    {
        var open = InductionRules.OpenInductionOf(state, command.AppropriateBodyId);
        InductionRules.CheckEndDate(open, command.FinishedOn, command.Today);
        return [new InductionPeriodClosed(command.TeacherId, open.Id, command.FinishedOn, command.NumberOfTerms)];
    }
}
