using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_gias_closes_the_school_of_an_ect_and_their_mentor
{
    private static readonly DateOnly ClosedOn = new(2025, 12, 31);
    private readonly Teacher _jane;
    private readonly Teacher _maria;

    public when_gias_closes_the_school_of_an_ect_and_their_mentor()
    {
        var jane = Given(EctRegistered(today: new(2025, 9, 1)));
        var maria = Given(MentorRegistered(leadProvider: Ambition, today: new(2025, 9, 1)));
        var mentored = AssignMentor.Decide(new(Jane, Maria, Oak, new(2025, 9, 1)), jane, maria, Catalogue);
        _jane = Then(jane, mentored, Jane);
        _maria = Then(maria, mentored, Maria);
    }

    [Fact]
    public void the_ects_period_training_and_mentorship_finish_on_the_closing_date()
    {
        var streams = CloseSchoolPeriods.Decide(new(Jane, Oak, ClosedOn), _jane);
        streams.For(Jane).ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 2, ClosedOn),
            new MentorshipFinished(Jane, 3, ClosedOn),
            new TeacherLeftSchoolAsEct(Jane, 1, Oak, ClosedOn),
        ]);
        streams.For(Maria).ShouldBe([new MentoringFinished(Maria, Jane, 3, ClosedOn)]);
    }

    [Fact]
    public void the_mentors_period_and_training_finish_on_the_closing_date()
    {
        var streams = CloseSchoolPeriods.Decide(new(Maria, Oak, ClosedOn), _maria);
        streams.For(Maria).ShouldBe(
        [
            new TrainingPeriodFinished(Maria, 2, ClosedOn),
            new MentoringFinished(Maria, Jane, 3, ClosedOn),
            new TeacherLeftSchoolAsMentor(Maria, 1, Oak, ClosedOn),
        ]);
        streams.For(Jane).ShouldBe([new MentorshipFinished(Jane, 3, ClosedOn)]);
    }

    [Fact]
    public void the_mentor_closed_after_the_ect_has_nothing_left_to_finish_but_their_own_period()
    {
        var maria = Then(_maria, CloseSchoolPeriods.Decide(new(Jane, Oak, ClosedOn), _jane), Maria);
        CloseSchoolPeriods.Decide(new(Maria, Oak, ClosedOn), maria).For(Maria).ShouldBe(
        [
            new TrainingPeriodFinished(Maria, 2, ClosedOn),
            new TeacherLeftSchoolAsMentor(Maria, 1, Oak, ClosedOn),
        ]);
    }

    [Fact]
    public void closing_again_records_nothing()
    {
        var closed = Then(_jane, CloseSchoolPeriods.Decide(new(Jane, Oak, ClosedOn), _jane), Jane);
        CloseSchoolPeriods.Decide(new(Jane, Oak, ClosedOn), closed).ShouldBeEmpty();
    }

    [Fact]
    public void the_school_leaving_rules_do_not_apply_to_a_closure()
    {
        // A school could not report a last day one day after the start, nor more than 4 months ahead.
        var dayAfterStart = new DateOnly(2025, 9, 2);
        CloseSchoolPeriods.Decide(new(Jane, Oak, dayAfterStart), _jane).For(Jane).Last()
            .ShouldBe(new TeacherLeftSchoolAsEct(Jane, 1, Oak, dayAfterStart));
        var farAhead = Today.AddMonths(6);
        CloseSchoolPeriods.Decide(new(Jane, Oak, farAhead), _jane).For(Jane).Last()
            .ShouldBe(new TeacherLeftSchoolAsEct(Jane, 1, Oak, farAhead));
    }

    [Fact]
    public void periods_at_other_schools_are_untouched() =>
        CloseSchoolPeriods.Decide(new(Jane, Elm, ClosedOn), _jane).ShouldBeEmpty();

    [Fact]
    public void a_period_that_ended_before_the_closure_is_untouched()
    {
        var left = Then(_jane, ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 10, 31), Today), _jane), Jane);
        CloseSchoolPeriods.Decide(new(Jane, Oak, ClosedOn), left).ShouldBeEmpty();
    }
}

public class when_gias_closes_a_school_before_a_teacher_starts_there
{
    private static readonly DateOnly ClosedOn = new(2025, 12, 31);
    private static readonly DateOnly Start = new(2026, 1, 5);

    [Fact]
    public void the_ects_period_and_training_are_removed()
    {
        var jane = Given(EctRegistered(startedOn: Start, today: new(2025, 12, 1)));
        var events = CloseSchoolPeriods.Decide(new(Jane, Oak, ClosedOn), jane).For(Jane);
        events.ShouldBe(
        [
            new TrainingPeriodRemoved(Jane, 2, ClosedOn),
            new EctAtSchoolPeriodRemoved(Jane, 1, Oak, ClosedOn),
        ]);
        var after = Then(jane, events);
        after.EctPeriods.ShouldBeEmpty();
        after.TrainingPeriods.ShouldBeEmpty();
    }

    [Fact]
    public void the_mentors_period_is_removed()
    {
        var maria = Given(MentorRegistered(startedOn: Start, today: new(2025, 12, 1)));
        var events = CloseSchoolPeriods.Decide(new(Maria, Oak, ClosedOn), maria).For(Maria);
        events.ShouldBe([new MentorAtSchoolPeriodRemoved(Maria, 1, Oak, ClosedOn)]);
        Then(maria, events).MentorPeriods.ShouldBeEmpty();
    }
}

public class when_a_closure_is_sent_for_a_teacher_who_cannot_take_it
{
    [Fact]
    public void an_unknown_teacher_is_refused() =>
        Should.Throw<RuleViolation>(() => CloseSchoolPeriods.Decide(new(Jane, Oak, Today), Teacher.Initial))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("teacher_not_found"),
                v => v.Message.ShouldBe("The teacher is not registered"));

    [Fact]
    public void a_merged_teacher_records_nothing() =>
        CloseSchoolPeriods.Decide(new(Jane, Oak, Today), Given([.. EctRegistered(), new TeacherMerged(Jane, Tom, Today)])).ShouldBeEmpty();

    [Fact]
    public void the_teacher_and_school_are_required() =>
        new CloseSchoolPeriods.Validator().Validate(new CloseSchoolPeriods(Guid.Empty, Guid.Empty, Today)).Errors
            .Select(e => e.PropertyName).ShouldBe(["TeacherId", "SchoolId"]);
}
