using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_an_ect_switches_provider_led_to_school_led_and_back
{
    private static readonly DateOnly September = new(2025, 9, 1);
    private static readonly DateOnly November = new(2025, 11, 3);
    private readonly Teacher _confirmed = Given(EctRegistered(startedOn: September, today: September, partnerships: [OakAmbition2025]));

    [Fact]
    public void confirmed_training_finishes_yesterday_and_school_led_starts_today()
    {
        var events = ChangeTrainingProgramme.Decide(new(Jane, Oak, TrainingProgramme.SchoolLed, null, [], Today), _confirmed, Catalogue);
        events.ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 2, Yesterday),
            new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, Today, null, TrainingProgramme.SchoolLed, null),
            new TrainingProgrammeChanged(Jane, 1, TrainingProgramme.ProviderLed, TrainingProgramme.SchoolLed, Today),
        ]);
    }

    [Fact]
    public void and_back_again_later_returns_to_the_same_cohort_and_schedule()
    {
        var schoolLed = Then(_confirmed, ChangeTrainingProgramme.Decide(new(Jane, Oak, TrainingProgramme.SchoolLed, null, [], Today), _confirmed, Catalogue));
        var events = ChangeTrainingProgramme.Decide(new(Jane, Oak, TrainingProgramme.ProviderLed, Ambition, [OakAmbition2025], November), schoolLed, Catalogue);
        events.ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 3, November.AddDays(-1)),
            new TrainingPeriodStarted(Jane, 4, TeacherRole.Ect, 1, Oak, November, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", OakAmbition2025.PartnershipId, Partner)),
            new TrainingProgrammeChanged(Jane, 1, TrainingProgramme.SchoolLed, TrainingProgramme.ProviderLed, November),
        ]);
        var teacher = Then(schoolLed, events);
        teacher.TrainingPeriods.Select(t => (t.Programme, t.Dates)).ShouldBe(
        [
            (TrainingProgramme.ProviderLed, new DateRange(September, Yesterday)),
            (TrainingProgramme.SchoolLed, new DateRange(Today, November.AddDays(-1))),
            (TrainingProgramme.ProviderLed, new DateRange(November, null)),
        ]);
    }

    [Fact]
    public void an_unconfirmed_expression_of_interest_is_removed()
    {
        var eoi = Given(EctRegistered(startedOn: September, today: September));
        ChangeTrainingProgramme.Decide(new(Jane, Oak, TrainingProgramme.SchoolLed, null, [], Today), eoi, Catalogue)
            .First().ShouldBe(new TrainingPeriodRemoved(Jane, 2, Today));
    }

    [Fact]
    public void training_that_starts_today_is_replaced()
    {
        var today = Given(EctRegistered(startedOn: Today, partnerships: [OakAmbition2025]));
        ChangeTrainingProgramme.Decide(new(Jane, Oak, TrainingProgramme.SchoolLed, null, [], Today), today, Catalogue)
            .First().ShouldBe(new TrainingPeriodRemoved(Jane, 2, Today));
    }

    [Fact]
    public void choosing_the_current_programme_records_nothing() =>
        ChangeTrainingProgramme.Decide(new(Jane, Oak, TrainingProgramme.ProviderLed, Ambition, [], Today), _confirmed, Catalogue).ShouldBeEmpty();
}

public class when_the_lead_provider_changes_mid_year
{
    private static readonly DateOnly September = new(2025, 9, 1);
    private readonly Teacher _confirmed = Given(EctRegistered(startedOn: September, today: September, partnerships: [OakAmbition2025]));

    [Fact]
    public void confirmed_training_finishes_yesterday_and_the_new_provider_trains_from_today() =>
        ChangeLeadProvider.Decide(new(Jane, TeacherRole.Ect, Oak, Teach, [OakTeach2025], Today), _confirmed, Catalogue).ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 2, Yesterday),
            new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, Today, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Teach, 2025, "ecf-standard-september", OakTeach2025.PartnershipId, Partner)),
            new TrainingLeadProviderChanged(Jane, TeacherRole.Ect, Ambition, Teach, Today),
        ]);

    [Fact]
    public void without_a_partnership_the_new_provider_is_an_expression_of_interest() =>
        ChangeLeadProvider.Decide(new(Jane, TeacherRole.Ect, Oak, Teach, [], Today), _confirmed, Catalogue)
            .OfType<TrainingPeriodStarted>().Single().ProviderLed!.PartnershipId.ShouldBeNull();

    [Fact]
    public void training_not_yet_started_is_replaced_from_its_own_start()
    {
        var future = Given(EctRegistered(startedOn: new(2025, 11, 3), partnerships: [OakAmbition2025]));
        var events = ChangeLeadProvider.Decide(new(Jane, TeacherRole.Ect, Oak, Teach, [], Today), future, Catalogue);
        events[0].ShouldBe(new TrainingPeriodRemoved(Jane, 2, Today));
        events.OfType<TrainingPeriodStarted>().Single().StartedOn.ShouldBe(new DateOnly(2025, 11, 3));
    }

    [Fact]
    public void the_same_lead_provider_is_refused() =>
        Should.Throw<RuleViolation>(() => ChangeLeadProvider.Decide(new(Jane, TeacherRole.Ect, Oak, Ambition, [], Today), _confirmed, Catalogue))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("lead_provider_unchanged"),
                v => v.Message.ShouldBe("Ambition Institute already trains Jane Doe"));

    [Fact]
    public void a_school_led_ect_is_refused() =>
        Should.Throw<RuleViolation>(() => ChangeLeadProvider.Decide(new(Jane, TeacherRole.Ect, Oak, Teach, [], Today),
                Given(EctRegistered(programme: TrainingProgramme.SchoolLed)), Catalogue))
            .Code.ShouldBe("school_led_training");

    [Fact]
    public void a_mentors_lead_provider_can_change_too()
    {
        var maria = Given(MentorRegistered(leadProvider: Ambition, today: September));
        var events = ChangeLeadProvider.Decide(new(Maria, TeacherRole.Mentor, Oak, Teach, [], Today), maria, Catalogue);
        events.OfType<TrainingLeadProviderChanged>().Single().ShouldBe(new TrainingLeadProviderChanged(Maria, TeacherRole.Mentor, Ambition, Teach, Today));
    }

    [Fact]
    public void a_confirmed_ect_in_a_frozen_cohort_moves_to_2024()
    {
        var in2022 = Given(
            new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", null, 1, Oak, new(2022, 9, 1), WorkingPattern.FullTime, Body),
            new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Oak, new(2022, 9, 1), null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2022, "ecf-standard-september", Guid.NewGuid(), Partner)));
        var events = ChangeLeadProvider.Decide(new(Jane, TeacherRole.Ect, Oak, Teach, [], Today), in2022, Catalogue);
        events.ShouldContain(new CohortChangedAfterPaymentsFrozen(Jane, TeacherRole.Ect, 2022, 2024, Today));
        events.OfType<TrainingPeriodStarted>().Single().ProviderLed!.ScheduleIdentifier.ShouldBe("ecf-extended-september");
    }

    [Fact]
    public void an_unconfirmed_interest_in_a_frozen_cohort_goes_and_training_starts_in_todays_cohort()
    {
        var in2022 = Given(
            new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", null, 1, Oak, new(2022, 9, 1), WorkingPattern.FullTime, Body),
            new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Oak, new(2022, 9, 1), null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2022, "ecf-standard-september", null, null)));
        var events = ChangeLeadProvider.Decide(new(Jane, TeacherRole.Ect, Oak, Teach, [], Today), in2022, Catalogue);
        events[0].ShouldBe(new TrainingPeriodRemoved(Jane, 2, Today));
        events.OfType<TrainingPeriodStarted>().Single().ProviderLed!.ContractPeriodYear.ShouldBe(2025);
        events.OfType<CohortChangedAfterPaymentsFrozen>().ShouldBeEmpty();
    }
}
