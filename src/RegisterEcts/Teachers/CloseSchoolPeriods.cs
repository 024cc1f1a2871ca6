using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// GIAS closed the school with no successor (rect-domain §2.4 "Close"): the teacher's ECT and mentor
/// periods there that run past ClosedOn finish on it, and those that would start after it never happen.
/// Sent by the GIAS import, not a school user, so the school's leaving-date rules (at most 4 months
/// ahead, more than a day after the start) do not apply: the school is gone whatever the dates.
public sealed record CloseSchoolPeriods(Guid TeacherId, Guid SchoolId, DateOnly ClosedOn)
{
    public sealed class Validator : AbstractValidator<CloseSchoolPeriods>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
        }
    }

    /// Also finishes or removes mentorships on the mentors' and mentees' streams. Nothing left to
    /// close (a second import of the same files) decides nothing.
    public static IReadOnlyList<StreamEvents> Decide(CloseSchoolPeriods command, Teacher state)
    {
        if (!state.Exists) throw new RuleViolation("teacher_not_found", "The teacher is not registered");
        // A merged teacher's periods were carried over to the record kept; an erased one keeps its history.
        if (state.MergedInto is not null || state.Erased) return [];
        var closedOn = command.ClosedOn;
        var decision = new TeacherDecision(command.TeacherId, state);
        foreach (var period in state.EctPeriods.Where(p => p.SchoolId == command.SchoolId).ToList())
        {
            if (period.Dates.Start > closedOn)
            {
                // Everything inside starts with the period or later, so after the closure too: all of it goes.
                decision.FinishInnerPeriods(TeacherRole.Ect, period.Id, closedOn);
                decision.Add(new EctAtSchoolPeriodRemoved(command.TeacherId, period.Id, period.SchoolId, closedOn));
            }
            else if (period.Dates.RunsOnOrAfter(closedOn.AddDays(1)))
                decision.LeaveEct(period, closedOn);
        }
        foreach (var period in state.MentorPeriods.Where(p => p.SchoolId == command.SchoolId).ToList())
        {
            if (period.Dates.Start > closedOn)
            {
                decision.FinishInnerPeriods(TeacherRole.Mentor, period.Id, closedOn);
                decision.Add(new MentorAtSchoolPeriodRemoved(command.TeacherId, period.Id, period.SchoolId, closedOn));
            }
            else if (period.Dates.RunsOnOrAfter(closedOn.AddDays(1)))
                decision.LeaveMentor(period, closedOn);
        }
        return decision.Events.Count == 0 ? [] : decision.ByStream();
    }
}
