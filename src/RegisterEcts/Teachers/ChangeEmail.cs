using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Emails belong to the teacher's time at a school, so the school changes the one it holds.
public sealed record ChangeEmail(Guid TeacherId, TeacherRole Role, Guid SchoolId, string Email, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ChangeEmail>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.Role).IsInEnum();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.Email).NotEmpty().WithMessage("Enter an email address");
            RuleFor(c => (string?)c.Email).MustBeEmail();
        }
    }

    public static IReadOnlyList<object> Decide(ChangeEmail command, Teacher state)
    {
        state.EnsureActive();
        var (periodId, email) = command.Role == TeacherRole.Ect
            ? state.CurrentOrNextEctPeriodAt(command.SchoolId, command.Today) is { } e ? (e.Id, e.Email)
                : throw new RuleViolation("ect_not_at_school", $"{state.DisplayName} is not registered as an ECT at your school")
            : state.CurrentOrNextMentorPeriodAt(command.SchoolId, command.Today) is { } m ? (m.Id, m.Email)
                : throw new RuleViolation("mentor_not_at_school", $"{state.DisplayName} is not registered as a mentor at your school");
        return string.Equals(email, command.Email, StringComparison.OrdinalIgnoreCase)
            ? []
            : [new TeacherEmailChanged(command.TeacherId, command.Role, periodId, command.Email, command.Today)];
    }
}
