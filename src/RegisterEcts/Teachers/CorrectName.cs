using FluentValidation;

namespace RegisterEcts.Teachers;

public sealed record CorrectName(Guid TeacherId, string Name, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<CorrectName>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Enter the correct full name")
                .MaximumLength(70).WithMessage("Corrected name must be 70 characters or less");
        }
    }

    public static IReadOnlyList<object> Decide(CorrectName command, Teacher state)
    {
        state.EnsureActive();
        var name = command.Name.Trim();
        return state.Name == name ? [] : [new TeacherNameCorrected(command.TeacherId, name, command.Today)];
    }
}
