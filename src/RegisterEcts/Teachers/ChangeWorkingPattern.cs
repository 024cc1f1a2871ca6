using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

public sealed record ChangeWorkingPattern(Guid TeacherId, Guid SchoolId, WorkingPattern WorkingPattern, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ChangeWorkingPattern>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.WorkingPattern).IsInEnum();
        }
    }

    public static IReadOnlyList<object> Decide(ChangeWorkingPattern command, Teacher state)
    {
        state.EnsureActive();
        var period = state.CurrentOrNextEctPeriodAt(command.SchoolId, command.Today)
            ?? throw new RuleViolation("ect_not_at_school", $"{state.DisplayName} is not registered as an ECT at your school");
        return period.WorkingPattern == command.WorkingPattern
            ? []
            : [new EctWorkingPatternChanged(command.TeacherId, period.Id, command.WorkingPattern, command.Today)];
    }
}
