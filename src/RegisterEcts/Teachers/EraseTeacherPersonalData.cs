using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Records the erasure; the caller then deletes the stream's key (EventStore.EraseSubjectAsync).
public sealed record EraseTeacherPersonalData(Guid TeacherId, ErasureReason Reason, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<EraseTeacherPersonalData>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.Reason).IsInEnum();
        }
    }

    public static IReadOnlyList<object> Decide(EraseTeacherPersonalData command, Teacher state)
    {
        if (!state.Exists) throw new RuleViolation("teacher_not_found", "The teacher is not registered");
        return state.Erased ? [] : [new TeacherPersonalDataErased(command.TeacherId, command.Reason, command.Today)];
    }
}
