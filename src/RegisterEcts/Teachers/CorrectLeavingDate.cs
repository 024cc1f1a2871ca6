using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Support corrects a leaving date already reported, with a reason. An earlier date trims the
/// training and mentorships inside the period just as leaving does; a later one leaves them as they are.
public sealed record CorrectLeavingDate(
    Guid TeacherId, TeacherRole Role, Guid SchoolId, DateOnly LeavingOn, string Reason, string? SupportTicket, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<CorrectLeavingDate>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.Role).IsInEnum();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Enter a reason");
        }
    }

    public static IReadOnlyList<StreamEvents> Decide(CorrectLeavingDate command, Teacher state)
    {
        state.EnsureActive();
        // Same role siblings: an ECT's periods at every school; a mentor's at the same school only.
        var (periods, label) = command.Role == TeacherRole.Ect
            ? (state.EctPeriods.Select(p => (p.Id, p.SchoolId, p.Dates)).ToList(), "Teacher ECT")
            : (state.MentorPeriods.Where(p => p.SchoolId == command.SchoolId).Select(p => (p.Id, p.SchoolId, p.Dates)).ToList(), "Teacher School Mentor");
        var left = periods.Where(p => p.SchoolId == command.SchoolId && p.Dates.End is not null).OrderByDescending(p => p.Dates.Start).ToList();
        if (left.Count == 0)
            throw new RuleViolation("no_leaving_date", $"{state.DisplayName} has no leaving date at that school to correct; report their leaving instead");
        var (id, _, dates) = left[0];
        if (dates.End == command.LeavingOn) return [];

        TeacherDecision.CheckLeavingDate(command.LeavingOn, command.Today);
        var decision = new TeacherDecision(command.TeacherId, state);
        decision.CheckBoundary(command.Role, dates, id, command.LeavingOn, command.Today, "that school");
        if (periods.Any(p => p.Id != id && p.Dates.Start > dates.Start && p.Dates.Start <= command.LeavingOn))
            throw new RuleViolation("period_overlaps", $"End date cannot overlap another {label} period");
        if (command.LeavingOn < dates.End)
            decision.FinishInnerPeriods(command.Role, id, command.LeavingOn);
        decision.Add(new LeavingDateCorrected(command.TeacherId, command.Role, id, dates.End, command.LeavingOn, command.Reason, command.SupportTicket));
        return decision.ByStream();
    }
}
