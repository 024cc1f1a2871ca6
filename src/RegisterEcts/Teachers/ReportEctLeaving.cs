using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// The school reports the ECT's last day (which may be up to 4 months ahead).
public sealed record ReportEctLeaving(Guid TeacherId, Guid SchoolId, DateOnly LeavingOn, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ReportEctLeaving>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
        }
    }

    /// Also finishes the mentorship on the mentor's stream, hence several streams.
    public static IReadOnlyList<StreamEvents> Decide(ReportEctLeaving command, Teacher state)
    {
        state.EnsureActive();
        var period = state.CurrentOrNextEctPeriodAt(command.SchoolId, command.Today)
            ?? throw new RuleViolation("ect_not_at_school", $"{state.DisplayName} is not registered as an ECT at your school");
        if (period.Dates.End == command.LeavingOn) return [];
        TeacherDecision.CheckLeavingDate(command.LeavingOn, command.Today);
        var decision = new TeacherDecision(command.TeacherId, state);
        decision.CheckBoundary(TeacherRole.Ect, period.Dates, period.Id, command.LeavingOn, command.Today, "your school");
        decision.LeaveEct(period, command.LeavingOn);
        return decision.ByStream();
    }
}
