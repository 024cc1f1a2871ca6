using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_an_appropriate_body_claims_an_induction
{
    private readonly Teacher _jane = Given(EctRegistered());

    [Fact]
    public void the_induction_opens_and_funding_eligibility_starts()
    {
        var events = ClaimInduction.Decide(new(Jane, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed, Today), _jane, Catalogue);
        events.ShouldBe(
        [
            new InductionPeriodOpened(Jane, 3, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed),
            new TeacherFundingEligibilitySet(Jane, TeacherRole.Ect, Today),
        ]);
        Then(_jane, events).InductionStatus.ShouldBe(InductionStatus.InProgress);
    }

    [Fact]
    public void claiming_the_same_induction_again_records_nothing()
    {
        var claimed = Then(_jane, ClaimInduction.Decide(new(Jane, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed, Today), _jane, Catalogue));
        ClaimInduction.Decide(new(Jane, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed, Today), claimed, Catalogue).ShouldBeEmpty();
    }

    [Fact]
    public void a_teacher_claimed_elsewhere_is_refused()
    {
        var claimed = Given([.. EctRegistered(), new InductionPeriodOpened(Jane, 3, ClosedBody, new(2025, 9, 1), TrainingProgramme.ProviderLed)]);
        Should.Throw<RuleViolation>(() => ClaimInduction.Decide(new(Jane, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed, Today), claimed, Catalogue))
            .Message.ShouldBe("Jane Doe is already claimed by an appropriate body");
    }

    [Theory]
    [InlineData(2021, 8, 31, "induction_start_too_early")]
    [InlineData(2025, 10, 16, "induction_start_in_future")]
    public void start_dates_out_of_bounds_are_refused(int year, int month, int day, string code) =>
        Should.Throw<RuleViolation>(() => ClaimInduction.Decide(new(Jane, Body, new(year, month, day), TrainingProgramme.ProviderLed, Today), _jane, Catalogue))
            .Code.ShouldBe(code);

    [Fact]
    public void an_inactive_appropriate_body_is_refused() =>
        Should.Throw<RuleViolation>(() => ClaimInduction.Decide(new(Jane, ClosedBody, new(2025, 9, 1), TrainingProgramme.ProviderLed, Today), _jane, Catalogue))
            .Code.ShouldBe("appropriate_body_not_active");

    [Fact]
    public void a_start_overlapping_a_released_induction_is_refused()
    {
        var released = Given([.. EctRegistered(), new InductionPeriodOpened(Jane, 3, Body, new(2024, 9, 1), TrainingProgramme.ProviderLed),
            new InductionPeriodClosed(Jane, 3, new(2025, 7, 20), 3m)]);
        Should.Throw<RuleViolation>(() => ClaimInduction.Decide(new(Jane, Body, new(2025, 7, 20), TrainingProgramme.ProviderLed, Today), released, Catalogue))
            .Message.ShouldBe("Start date cannot overlap another induction period");
    }
}

public class when_an_induction_is_passed
{
    private readonly Teacher _jane;

    public when_an_induction_is_passed()
    {
        var registered = Given([.. EctRegistered(today: new(2025, 9, 1)), new InductionPeriodOpened(Jane, 3, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed)]);
        _jane = Then(registered, AssignMentor.Decide(new(Jane, Maria, Oak, new(2025, 9, 1)), registered, Given(MentorRegistered()), Catalogue), Jane);
    }

    [Fact]
    public void the_school_training_and_mentorship_periods_close_today()
    {
        var streams = RecordInductionOutcome.Decide(new(Jane, Body, InductionOutcome.Pass, new(2025, 10, 10), 3m, null, Today), _jane);
        streams.For(Jane).ShouldBe(
        [
            new InductionOutcomeRecorded(Jane, 3, InductionOutcome.Pass, new(2025, 10, 10), 3m, null),
            new TrainingPeriodFinished(Jane, 2, Today),
            new MentorshipFinished(Jane, 4, Today),
            new TeacherLeftSchoolAsEct(Jane, 1, Oak, Today),
        ]);
        streams.For(Maria).ShouldBe([new MentoringFinished(Maria, Jane, 4, Today)]);
        Then(_jane, streams, Jane).InductionStatus.ShouldBe(InductionStatus.Passed);
    }

    [Fact]
    public void a_second_outcome_is_refused()
    {
        var passed = Then(_jane, RecordInductionOutcome.Decide(new(Jane, Body, InductionOutcome.Pass, new(2025, 10, 10), 3m, null, Today), _jane), Jane);
        Should.Throw<RuleViolation>(() => RecordInductionOutcome.Decide(new(Jane, Body, InductionOutcome.Fail, Today, 3m, Today, Today), passed))
            .Message.ShouldBe("Jane Doe already has an induction outcome");
    }

    [Fact]
    public void an_end_date_in_the_future_is_refused() =>
        Should.Throw<RuleViolation>(() => RecordInductionOutcome.Decide(new(Jane, Body, InductionOutcome.Pass, Today.AddDays(1), 3m, null, Today), _jane))
            .Message.ShouldBe("End date cannot be in the future");

    [Fact]
    public void another_appropriate_body_cannot_record_it() =>
        Should.Throw<RuleViolation>(() => RecordInductionOutcome.Decide(new(Jane, ClosedBody, InductionOutcome.Pass, Today, 3m, null, Today), _jane))
            .Code.ShouldBe("induction_claimed_by_another_body");

    [Fact]
    public void a_fail_needs_the_confirmation_date() =>
        new RecordInductionOutcome.Validator().Validate(new RecordInductionOutcome(Jane, Body, InductionOutcome.Fail, Today, 3m, null, Today))
            .Errors.Select(e => e.ErrorMessage).ShouldBe(["Enter the date the teacher was sent confirmation of their failed induction"]);

    [Fact]
    public void terms_have_at_most_one_decimal_place() =>
        new RecordInductionOutcome.Validator().Validate(new RecordInductionOutcome(Jane, Body, InductionOutcome.Pass, Today, 2.25m, null, Today))
            .Errors.Select(e => e.ErrorMessage).ShouldBe(["Number of terms can have at most one decimal place"]);

    [Fact]
    public void a_fail_records_the_failed_status() =>
        Then(_jane, RecordInductionOutcome.Decide(new(Jane, Body, InductionOutcome.Fail, Today, 3m, Today, Today), _jane), Jane)
            .InductionStatus.ShouldBe(InductionStatus.Failed);
}

public class when_an_induction_is_released_or_extended
{
    private readonly Teacher _claimed = Given([.. EctRegistered(), new InductionPeriodOpened(Jane, 3, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed)]);

    [Fact]
    public void release_closes_the_induction_and_the_teacher_stays_at_school()
    {
        var events = ReleaseInduction.Decide(new(Jane, Body, new(2025, 10, 1), 0.5m, Today), _claimed);
        events.ShouldBe([new InductionPeriodClosed(Jane, 3, new(2025, 10, 1), 0.5m)]);
        var teacher = Then(_claimed, events);
        teacher.InductionStatus.ShouldBe(InductionStatus.Paused);
        teacher.EctPeriods.Single().Dates.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public void release_without_a_claim_is_refused() =>
        Should.Throw<RuleViolation>(() => ReleaseInduction.Decide(new(Jane, Body, Today, 1m, Today), Given(EctRegistered())))
            .Message.ShouldBe("Jane Doe does not have an open induction period");

    [Fact]
    public void an_extension_is_recorded() =>
        AddInductionExtension.Decide(new(Jane, Body, 1.5m, Today), _claimed).ShouldBe([new InductionExtensionAdded(Jane, 4, Body, 1.5m, Today)]);

    [Fact]
    public void an_extension_from_another_body_is_refused() =>
        Should.Throw<RuleViolation>(() => AddInductionExtension.Decide(new(Jane, ClosedBody, 1m, Today), _claimed)).Code.ShouldBe("induction_not_claimed_by_appropriate_body");

    [Fact]
    public void an_extension_of_no_terms_is_invalid() =>
        new AddInductionExtension.Validator().Validate(new AddInductionExtension(Jane, Body, 0m, Today)).IsValid.ShouldBeFalse();
}
