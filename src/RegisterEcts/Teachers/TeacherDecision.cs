using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Events for one stream: what a multi-teacher command asks the caller to append, in one transaction.
public sealed record StreamEvents(Guid StreamId, IReadOnlyList<object> Events);

/// Builds a decision step by step: each step sees the teacher as the earlier steps left them, and
/// new period ids follow on. The period rules every command shares live here, in one place.
internal sealed class TeacherDecision(Guid teacherId, Teacher state)
{
    private readonly List<object> _events = [];

    public Teacher State { get; private set; } = state;

    public Guid TeacherId => teacherId;

    public int NextId => State.LastId + 1;

    public IReadOnlyList<object> Events => _events;

    public TeacherDecision Add(object @event)
    {
        _events.Add(@event);
        if (((ITeacherEvent)@event).TeacherId == teacherId)
            State = Teacher.Evolve(State, @event);
        return this;
    }

    /// This teacher's stream first, then the others in the order they were first touched.
    public IReadOnlyList<StreamEvents> ByStream() => ByStream(this);

    public static IReadOnlyList<StreamEvents> ByStream(params TeacherDecision[] decisions)
    {
        var streams = decisions.SelectMany(d => d._events).GroupBy(e => ((ITeacherEvent)e).TeacherId)
            .Select(g => new StreamEvents(g.Key, g.ToList())).ToList();
        var first = decisions[0].TeacherId;
        return [.. streams.Where(s => s.StreamId == first), .. streams.Where(s => s.StreamId != first)];
    }

    // ---- switching: "finish yesterday, start today", or replace what has not started ----

    /// Makes room for something new from newStart: a period that started earlier finishes the day
    /// before; one that would start on or after newStart is replaced (removed).
    public void EndTrainingBefore(TrainingPeriod period, DateOnly newStart)
    {
        if (period.Dates.Start >= newStart)
            Add(new TrainingPeriodRemoved(teacherId, period.Id, newStart));
        else if (period.Dates.RunsOnOrAfter(newStart))
            Add(new TrainingPeriodFinished(teacherId, period.Id, newStart.AddDays(-1)));
    }

    public void EndMentorshipBefore(Mentorship mentorship, DateOnly newStart)
    {
        if (mentorship.Dates.Start >= newStart)
        {
            Add(new MentorshipRemoved(teacherId, mentorship.Id, newStart));
            Add(new MentoringRemoved(mentorship.MentorId, teacherId, mentorship.Id, newStart));
        }
        else if (mentorship.Dates.RunsOnOrAfter(newStart))
        {
            Add(new MentorshipFinished(teacherId, mentorship.Id, newStart.AddDays(-1)));
            Add(new MentoringFinished(mentorship.MentorId, teacherId, mentorship.Id, newStart.AddDays(-1)));
        }
    }

    // ---- leaving: inner periods starting on or after the last day go, running ones finish on it ----

    public void LeaveEct(EctAtSchoolPeriod period, DateOnly lastDay)
    {
        FinishInnerPeriods(TeacherRole.Ect, period.Id, lastDay);
        Add(new TeacherLeftSchoolAsEct(teacherId, period.Id, period.SchoolId, lastDay));
    }

    public void LeaveMentor(MentorAtSchoolPeriod period, DateOnly lastDay)
    {
        FinishInnerPeriods(TeacherRole.Mentor, period.Id, lastDay);
        Add(new TeacherLeftSchoolAsMentor(teacherId, period.Id, period.SchoolId, lastDay));
    }

    public void FinishInnerPeriods(TeacherRole role, int atSchoolPeriodId, DateOnly lastDay)
    {
        foreach (var training in State.TrainingIn(role, atSchoolPeriodId).ToList())
        {
            if (training.Dates.Start >= lastDay)
                Add(new TrainingPeriodRemoved(teacherId, training.Id, lastDay));
            else if (training.Dates.RunsOnOrAfter(lastDay.AddDays(1)))
                Add(new TrainingPeriodFinished(teacherId, training.Id, lastDay));
        }
        if (role == TeacherRole.Ect)
        {
            foreach (var m in State.Mentorships.Where(m => m.EctPeriodId == atSchoolPeriodId).ToList())
            {
                if (m.Dates.Start >= lastDay)
                {
                    Add(new MentorshipRemoved(teacherId, m.Id, lastDay));
                    Add(new MentoringRemoved(m.MentorId, teacherId, m.Id, lastDay));
                }
                else if (m.Dates.RunsOnOrAfter(lastDay.AddDays(1)))
                {
                    Add(new MentorshipFinished(teacherId, m.Id, lastDay));
                    Add(new MentoringFinished(m.MentorId, teacherId, m.Id, lastDay));
                }
            }
        }
        else
        {
            foreach (var m in State.Mentorings.Where(m => m.MentorPeriodId == atSchoolPeriodId).ToList())
            {
                if (m.Dates.Start >= lastDay)
                {
                    Add(new MentoringRemoved(teacherId, m.MenteeId, m.MentorshipId, lastDay));
                    Add(new MentorshipRemoved(m.MenteeId, m.MentorshipId, lastDay));
                }
                else if (m.Dates.RunsOnOrAfter(lastDay.AddDays(1)))
                {
                    Add(new MentoringFinished(teacherId, m.MenteeId, m.MentorshipId, lastDay));
                    Add(new MentorshipFinished(m.MenteeId, m.MentorshipId, lastDay));
                }
            }
        }
    }

    // ---- rules shared by registration, leaving and corrections ----

    /// A period must last more than one day, and so must the latest training that has begun in it.
    /// Training that has not begun yet is replaced, so it does not count.
    public void CheckBoundary(TeacherRole role, DateRange atSchool, int atSchoolPeriodId, DateOnly date, DateOnly today, string schoolName)
    {
        var what = role == TeacherRole.Ect ? "teaching" : "mentoring";
        if (date <= atSchool.Start.AddDays(1))
            throw new RuleViolation("date_before_period_start",
                $"Our records show that {State.DisplayName} started {what} at {schoolName} on {Dates.Govuk(atSchool.Start)}.");
        var training = State.TrainingIn(role, atSchoolPeriodId).Where(t => t.Dates.Start < today).MaxBy(t => t.Dates.Start);
        if (training is not null && date <= training.Dates.Start.AddDays(1))
            throw new RuleViolation("date_before_training_start",
                $"Our records show that {State.DisplayName} started their latest training at {schoolName} on {Dates.Govuk(training.Dates.Start)}.");
    }

    public static void CheckLeavingDate(DateOnly date, DateOnly today)
    {
        if (date > today.AddMonths(4))
            throw new RuleViolation("leaving_date_too_far_ahead", "Enter a date no further than 4 months from today");
    }

    /// ECT funding starts once the teacher is an ECT somewhere and an induction is running today.
    public void SetEctFundingEligibility(DateOnly today)
    {
        if (State.EctEligibleForFundingOn is null && State.EctPeriods.Count > 0 && State.InductionPeriods.Any(p => p.Dates.Contains(today)))
            Add(new TeacherFundingEligibilitySet(teacherId, TeacherRole.Ect, today));
    }

    public void SetMentorFundingEligibility(DateOnly today)
    {
        if (State.MentorEligibleForFundingOn is null && State.MentorIneligibilityReason is null
            && State.TrainingPeriods.Any(p => p.Role == TeacherRole.Mentor))
            Add(new TeacherFundingEligibilitySet(teacherId, TeacherRole.Mentor, today));
    }
}
