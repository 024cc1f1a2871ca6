using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// The school reports the mentor's last day there; they may carry on mentoring at other schools.
public sealed record ReportMentorLeaving(Guid TeacherId, Guid SchoolId, DateOnly LeavingOn, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ReportMentorLeaving>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
        }
    }

    /// Also finishes the mentorships on each mentee's stream.
    public static IReadOnlyList<StreamEvents> Decide(ReportMentorLeaving command, Teacher state)
    {
        state.EnsureActive();
        var period = state.CurrentOrNextMentorPeriodAt(command.SchoolId, command.Today)
            ?? throw new RuleViolation("mentor_not_at_school", $"{state.DisplayName} is not registered as a mentor at your school");
        if (period.Dates.End == command.LeavingOn) return [];
        TeacherDecision.CheckLeavingDate(command.LeavingOn, command.Today);
        var decision = new TeacherDecision(command.TeacherId, state);
        decision.CheckBoundary(TeacherRole.Mentor, period.Dates, period.Id, command.LeavingOn, command.Today, "your school");
        decision.LeaveMentor(period, command.LeavingOn);
        return decision.ByStream();
    }
}
