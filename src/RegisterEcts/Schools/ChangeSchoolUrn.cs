using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Schools;

/// GIAS "replace": the old URN closed with one open successor that has no school of its own yet.
/// ChangedOn is the predecessor's GIAS closing date.
public sealed record ChangeSchoolUrn(Guid SchoolId, int NewUrn, DateOnly ChangedOn)
{
    public sealed class Validator : AbstractValidator<ChangeSchoolUrn>
    {
        public Validator()
        {
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.NewUrn).MustBeUrn();
        }
    }

    public static IReadOnlyList<object> Decide(ChangeSchoolUrn command, School state)
    {
        if (state.Exists && state.Urn == command.NewUrn) return [];
        state.EnsureOpen();
        if (state.PreviousUrns.Contains(command.NewUrn))
            throw new RuleViolation("urn_already_used", $"{state.Name} has already had URN {command.NewUrn}");
        return [new SchoolUrnChanged(command.SchoolId, state.Urn, command.NewUrn, command.ChangedOn)];
    }
}
