using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Schools;

/// GIAS "Successor - merged/amalgamated". Moving the school's teachers and partnerships to the
/// successor is done on their own streams by the importer.
public sealed record MergeSchool(Guid SchoolId, Guid IntoSchoolId, int IntoUrn, DateOnly MergedOn)
{
    public sealed class Validator : AbstractValidator<MergeSchool>
    {
        public Validator()
        {
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.IntoSchoolId).NotEmpty().NotEqual(c => c.SchoolId).WithMessage("A school cannot merge into itself");
            RuleFor(c => c.IntoUrn).MustBeUrn();
        }
    }

    public static IReadOnlyList<object> Decide(MergeSchool command, School state)
    {
        if (state.MergedInto == command.IntoSchoolId) return [];
        state.EnsureOpen();
        return [new SchoolMerged(command.SchoolId, command.IntoSchoolId, command.IntoUrn, command.MergedOn)];
    }
}
