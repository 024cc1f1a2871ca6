using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Schools;

/// GIAS closed the school with no successor. Finishing the periods of its teachers happens on
/// their streams (CloseSchoolPeriods, sent by the GIAS import for each of them).
public sealed record CloseSchool(Guid SchoolId, DateOnly ClosedOn)
{
    public sealed class Validator : AbstractValidator<CloseSchool>
    {
        public Validator() => RuleFor(c => c.SchoolId).NotEmpty();
    }

    public static IReadOnlyList<object> Decide(CloseSchool command, School state)
    {
        if (!state.Exists) throw new RuleViolation("school_not_found", "The school does not exist");
        // Recorded once only: later GIAS files keep saying "closed".
        if (state.Status != SchoolStatus.Open) return [];
        return [new SchoolClosed(command.SchoolId, command.ClosedOn)];
    }
}
