using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Support found two records for one person: the duplicate (source) is retired and lead providers
/// are told its id became the kept teacher's.
public sealed record MergeTeachers(Guid SourceTeacherId, Guid IntoTeacherId, string Reason, string? SupportTicket, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<MergeTeachers>
    {
        public Validator()
        {
            RuleFor(c => c.SourceTeacherId).NotEmpty();
            RuleFor(c => c.IntoTeacherId).NotEmpty();
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Enter a reason");
        }
    }

    public static IReadOnlyList<StreamEvents> Decide(MergeTeachers command, Teacher source, Teacher into)
    {
        if (command.SourceTeacherId == command.IntoTeacherId)
            throw new RuleViolation("merge_into_self", "A teacher cannot be merged into themself");
        if (source.MergedInto == command.IntoTeacherId) return [];
        source.EnsureActive();
        into.EnsureActive();
        return
        [
            new(command.SourceTeacherId, [new TeacherMerged(command.SourceTeacherId, command.IntoTeacherId, command.Today)]),
            new(command.IntoTeacherId, [new TeacherIdChanged(command.IntoTeacherId, command.SourceTeacherId, command.Today)]),
        ];
    }
}
