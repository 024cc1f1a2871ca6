using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_a_school_reports_an_ect_leaving
{
    private readonly Teacher _jane;

    public when_a_school_reports_an_ect_leaving()
    {
        var registered = Given(EctRegistered(today: new(2025, 9, 1)));
        var mentored = AssignMentor.Decide(new(Jane, Maria, Oak, new(2025, 9, 1)), registered, Given(MentorRegistered()), Catalogue);
        _jane = Then(registered, mentored, Jane);
    }

    [Fact]
    public void the_school_period_training_and_mentorship_finish_on_the_leaving_date()
    {
        var leaving = new DateOnly(2025, 12, 19);
        var streams = ReportEctLeaving.Decide(new(Jane, Oak, leaving, Today), _jane);
        streams.For(Jane).ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 2, leaving),
            new MentorshipFinished(Jane, 3, leaving),
            new TeacherLeftSchoolAsEct(Jane, 1, Oak, leaving),
        ]);
        streams.For(Maria).ShouldBe([new MentoringFinished(Maria, Jane, 3, leaving)]);
    }

    [Fact]
    public void training_stays_active_after_leaving() =>
        Then(_jane, ReportEctLeaving.Decide(new(Jane, Oak, Today, Today), _jane), Jane).EctTrainingStatus.ShouldBe(TrainingStatus.Active);

    [Fact]
    public void a_date_exactly_four_months_ahead_is_accepted() =>
        ReportEctLeaving.Decide(new(Jane, Oak, Today.AddMonths(4), Today), _jane).ShouldNotBeEmpty();

    [Fact]
    public void a_date_more_than_four_months_ahead_is_refused() =>
        Should.Throw<RuleViolation>(() => ReportEctLeaving.Decide(new(Jane, Oak, Today.AddMonths(4).AddDays(1), Today), _jane))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("leaving_date_too_far_ahead"),
                v => v.Message.ShouldBe("Enter a date no further than 4 months from today"));

    [Fact]
    public void a_date_one_day_after_the_start_is_refused() =>
        Should.Throw<RuleViolation>(() => ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 9, 2), Today), _jane))
            .Message.ShouldBe("Our records show that Jane Doe started teaching at your school on 1 September 2025.");

    [Fact]
    public void a_date_two_days_after_the_start_is_accepted() =>
        ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 9, 3), Today), _jane).For(Jane).Last()
            .ShouldBe(new TeacherLeftSchoolAsEct(Jane, 1, Oak, new(2025, 9, 3)));

    [Fact]
    public void a_date_too_close_to_the_latest_training_start_is_refused()
    {
        var retrained = Given([.. EctRegistered(startedOn: new(2025, 9, 1), today: new(2025, 9, 1)),
            new TrainingPeriodFinished(Jane, 2, new(2025, 9, 30)),
            new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, new(2025, 10, 1), null, TrainingProgramme.SchoolLed, null)]);
        Should.Throw<RuleViolation>(() => ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 10, 2), Today), retrained))
            .Message.ShouldBe("Our records show that Jane Doe started their latest training at your school on 1 October 2025.");
    }

    [Fact]
    public void training_that_would_start_on_or_after_the_leaving_date_is_removed()
    {
        var withFutureTraining = Given([.. EctRegistered(startedOn: new(2025, 9, 1), today: new(2025, 9, 1)),new TrainingPeriodFinished(Jane, 2, new(2025, 11, 30)),
            new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, new(2025, 12, 1), null, TrainingProgramme.SchoolLed, null)]);
        var events = ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 11, 20), Today), withFutureTraining).For(Jane);
        events.ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 2, new(2025, 11, 20)),
            new TrainingPeriodRemoved(Jane, 3, new(2025, 11, 20)),
            new TeacherLeftSchoolAsEct(Jane, 1, Oak, new(2025, 11, 20)),
        ]);
    }

    [Fact]
    public void reporting_the_same_date_again_records_nothing()
    {
        var left = Then(_jane, ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 12, 19), Today), _jane), Jane);
        ReportEctLeaving.Decide(new(Jane, Oak, new(2025, 12, 19), Today), left).ShouldBeEmpty();
    }

    [Fact]
    public void an_ect_at_another_school_cannot_be_reported() =>
        Should.Throw<RuleViolation>(() => ReportEctLeaving.Decide(new(Jane, Elm, Today, Today), _jane))
            .Message.ShouldBe("Jane Doe is not registered as an ECT at your school");
}

public class when_a_school_reports_a_mentor_leaving
{
    [Fact]
    public void their_mentees_lose_the_mentorship_on_their_own_streams()
    {
        var maria = Given(MentorRegistered(leadProvider: Ambition, today: new(2025, 9, 1)));
        var assigned = AssignMentor.Decide(new(Jane, Maria, Oak, new(2025, 9, 1)), Given(EctRegistered(today: new(2025, 9, 1))), maria, Catalogue);
        maria = Then(maria, assigned, Maria);

        var streams = ReportMentorLeaving.Decide(new(Maria, Oak, new(2025, 10, 31), Today), maria);

        streams.For(Maria).ShouldBe(
        [
            new TrainingPeriodFinished(Maria, 2, new(2025, 10, 31)),
            new MentoringFinished(Maria, Jane, 3, new(2025, 10, 31)),
            new TeacherLeftSchoolAsMentor(Maria, 1, Oak, new(2025, 10, 31)),
        ]);
        streams.For(Jane).ShouldBe([new MentorshipFinished(Jane, 3, new(2025, 10, 31))]);
    }

    [Fact]
    public void a_date_more_than_four_months_ahead_is_refused() =>
        Should.Throw<RuleViolation>(() => ReportMentorLeaving.Decide(new(Maria, Oak, Today.AddMonths(5), Today), Given(MentorRegistered())))
            .Code.ShouldBe("leaving_date_too_far_ahead");

    [Fact]
    public void a_date_too_close_to_the_start_is_refused() =>
        Should.Throw<RuleViolation>(() => ReportMentorLeaving.Decide(new(Maria, Oak, new(2025, 9, 2), Today), Given(MentorRegistered())))
            .Message.ShouldBe("Our records show that Maria Lopez started mentoring at your school on 1 September 2025.");
}
