using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_an_ect_registers_for_the_first_time
{
    private readonly IReadOnlyList<StreamEvents> _streams = RegisterEct.Decide(NewEct(), Teacher.Initial, Catalogue);

    [Fact]
    public void only_their_own_stream_is_written() => _streams.Select(s => s.StreamId).ShouldBe([Jane]);

    [Fact]
    public void the_registration_and_provider_led_training_are_recorded() =>
        _streams.For(Jane).ShouldBe(
        [
            new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", "jane@example.com", 1, Oak, new(2025, 9, 1), WorkingPattern.FullTime, Body),
            new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Oak, Today, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", null, null)),
        ]);

    [Fact]
    public void a_backdated_registration_starts_training_today()
    {
        var teacher = Then(Teacher.Initial, _streams, Jane);
        teacher.EctPeriods.Single().Dates.Start.ShouldBe(new DateOnly(2025, 9, 1));
        teacher.TrainingPeriods.Single().Dates.Start.ShouldBe(Today);
        teacher.EctTrainingStatus.ShouldBe(TrainingStatus.Active);
    }

    [Fact]
    public void the_schools_partnership_with_the_lead_provider_confirms_the_training()
    {
        var streams = RegisterEct.Decide(NewEct(partnerships: [OakTeach2025, OakAmbition2025]), Teacher.Initial, Catalogue);
        streams.For(Jane).OfType<TrainingPeriodStarted>().Single().ProviderLed
            .ShouldBe(new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", OakAmbition2025.PartnershipId, Partner));
    }

    [Fact]
    public void school_led_training_has_no_lead_provider() =>
        RegisterEct.Decide(NewEct(programme: TrainingProgramme.SchoolLed), Teacher.Initial, Catalogue).For(Jane)
            .OfType<TrainingPeriodStarted>().Single().ShouldSatisfyAllConditions(
                t => t.Programme.ShouldBe(TrainingProgramme.SchoolLed),
                t => t.ProviderLed.ShouldBeNull());

    [Fact]
    public void a_january_start_gets_the_january_schedule() =>
        RegisterEct.Decide(NewEct(startedOn: new(2026, 1, 5), today: new(2025, 12, 1)), Teacher.Initial, Catalogue).For(Jane)
            .OfType<TrainingPeriodStarted>().Single().ProviderLed!.ScheduleIdentifier.ShouldBe("ecf-standard-january");

    [Fact]
    public void a_start_in_the_next_cohort_joins_that_cohort() =>
        RegisterEct.Decide(NewEct(startedOn: new(2026, 6, 2), today: new(2026, 5, 20)), Teacher.Initial, Catalogue).For(Jane)
            .OfType<TrainingPeriodStarted>().Single().ProviderLed!.ContractPeriodYear.ShouldBe(2026);
}

public class when_an_ect_registration_breaks_a_rule
{
    [Fact]
    public void a_start_before_the_earliest_permitted_date_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(startedOn: new(2023, 5, 31)), Teacher.Initial, Catalogue))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("start_date_too_early"),
                v => v.Message.ShouldBe("Start date cannot be earlier than the last 2 registration periods. Enter a date later than 1 June 2023"));

    [Fact]
    public void a_start_on_the_earliest_permitted_date_is_accepted() =>
        RegisterEct.Decide(NewEct(startedOn: new(2023, 6, 1)), Teacher.Initial, Catalogue).ShouldNotBeEmpty();

    [Fact]
    public void an_inactive_appropriate_body_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(appropriateBody: ClosedBody), Teacher.Initial, Catalogue))
            .Code.ShouldBe("appropriate_body_not_active");

    [Fact]
    public void a_lead_provider_without_a_contract_for_the_cohort_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(leadProvider: Inactive), Teacher.Initial, Catalogue))
            .Message.ShouldBe("Gone Learning is not contracted to train teachers in the 2025 cohort");

    [Fact]
    public void a_teacher_id_with_another_trn_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(trn: "7777777", school: Elm), Given(EctRegistered()), Catalogue))
            .Message.ShouldBe("This teacher's TRN is 1234567, not 7777777");

    [Fact]
    public void the_validator_requires_a_lead_provider_for_provider_led_training()
    {
        var result = new RegisterEct.Validator().Validate(NewEct() with { LeadProviderId = null });
        result.Errors.Select(e => e.ErrorMessage).ShouldBe(["Select a lead provider for provider-led training"]);
    }
}

public class when_an_ect_is_registered_again_at_the_same_school
{
    [Fact]
    public void the_registration_is_refused_while_they_are_still_there() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(trn: "123 4567"), Given(EctRegistered()), Catalogue))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("ect_already_registered_at_school"),
                v => v.Message.ShouldBe("Jane Doe is already registered as an ECT at your school"));

    [Fact]
    public void an_ect_who_left_may_be_registered_again()
    {
        var left = Given([.. EctRegistered(), new TeacherLeftSchoolAsEct(Jane, 1, Oak, new(2025, 9, 30))]);
        var events = RegisterEct.Decide(NewEct(startedOn: Today), left, Catalogue).For(Jane);
        events.OfType<TeacherRegisteredAsEct>().Single().EctPeriodId.ShouldBe(3);
    }
}

public class when_an_ect_registers_at_a_second_school
{
    private static readonly DateOnly Move = new(2026, 1, 5);
    private static readonly DateOnly MoveDay = new(2026, 1, 2);
    private readonly Teacher _atOak;
    private readonly IReadOnlyList<StreamEvents> _streams;

    public when_an_ect_registers_at_a_second_school()
    {
        _atOak = Given([.. EctRegistered(startedOn: new(2025, 9, 1), today: new(2025, 9, 1)),
            new MentorshipStarted(Jane, 3, 1, Maria, 1, new(2025, 9, 1), null)]);
        _streams = RegisterEct.Decide(NewEct(school: Elm, startedOn: Move, today: MoveDay), _atOak, Catalogue);
    }

    [Fact]
    public void the_first_school_period_finishes_the_day_before()
    {
        _streams.For(Jane).ShouldContain(new TeacherLeftSchoolAsEct(Jane, 1, Oak, new(2026, 1, 4)));
        var teacher = Then(_atOak, _streams, Jane);
        teacher.EctPeriods.Select(p => (p.SchoolId, p.Dates)).ShouldBe(
            [(Oak, new DateRange(new(2025, 9, 1), new(2026, 1, 4))), (Elm, new DateRange(Move, null))]);
    }

    [Fact]
    public void the_old_training_finishes_with_it() =>
        _streams.For(Jane).ShouldContain(new TrainingPeriodFinished(Jane, 2, new(2026, 1, 4)));

    [Fact]
    public void the_mentorship_finishes_on_both_streams()
    {
        _streams.For(Jane).ShouldContain(new MentorshipFinished(Jane, 3, new(2026, 1, 4)));
        _streams.For(Maria).ShouldBe([new MentoringFinished(Maria, Jane, 3, new(2026, 1, 4))]);
    }

    [Fact]
    public void training_continues_in_the_same_cohort_at_the_new_school() =>
        _streams.For(Jane).OfType<TrainingPeriodStarted>().Single().ShouldSatisfyAllConditions(
            t => t.SchoolId.ShouldBe(Elm),
            t => t.StartedOn.ShouldBe(Move),
            t => t.ProviderLed!.ContractPeriodYear.ShouldBe(2025),
            t => t.ProviderLed!.ScheduleIdentifier.ShouldBe("ecf-standard-september"));

    [Fact]
    public void a_start_less_than_two_days_after_the_first_start_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(school: Elm, startedOn: new(2025, 9, 2), today: new(2025, 9, 1)), _atOak, Catalogue))
            .Message.ShouldBe("Our records show that Jane Doe started teaching at their previous school on 1 September 2025.");
}

public class when_an_ect_from_a_frozen_cohort_registers_at_a_new_school
{
    private readonly Teacher _in2022 = Given(
        new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", null, 1, Oak, new(2022, 9, 1), WorkingPattern.FullTime, Body),
        new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Oak, new(2022, 9, 1), null, TrainingProgramme.ProviderLed,
            new ProviderLedTraining(Ambition, 2022, "ecf-standard-september", Guid.NewGuid(), Partner)));

    [Fact]
    public void training_moves_to_the_2024_extended_september_schedule()
    {
        var events = RegisterEct.Decide(NewEct(school: Elm, startedOn: new(2025, 9, 1), partnerships: [ElmAmbition2024]), _in2022, Catalogue).For(Jane);
        events.OfType<TrainingPeriodStarted>().Single().ShouldSatisfyAllConditions(
            t => t.ProviderLed.ShouldBe(new ProviderLedTraining(Ambition, 2024, "ecf-extended-september", ElmAmbition2024.PartnershipId, Partner)),
            t => t.StartedOn.ShouldBe(new DateOnly(2025, 9, 1)));
        events.ShouldContain(new CohortChangedAfterPaymentsFrozen(Jane, TeacherRole.Ect, 2022, 2024, Today));
    }

    [Fact]
    public void the_teacher_remembers_the_frozen_year() =>
        Then(_in2022, RegisterEct.Decide(NewEct(school: Elm), _in2022, Catalogue), Jane).EctPaymentsFrozenYear.ShouldBe(2022);

    [Fact]
    public void before_the_cohort_froze_the_teacher_stays_in_it() =>
        RegisterEct.Decide(NewEct(school: Elm, startedOn: new(2025, 6, 2), today: new(2025, 6, 1)), _in2022, Catalogue).For(Jane)
            .OfType<TrainingPeriodStarted>().Single().ProviderLed!.ContractPeriodYear.ShouldBe(2022);
}

public class when_an_ect_with_an_open_induction_registers
{
    [Fact]
    public void they_become_eligible_for_funding_today()
    {
        var claimed = Given(new InductionPeriodOpened(Jane, 1, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed));
        var teacher = Then(claimed, RegisterEct.Decide(NewEct(), claimed, Catalogue), Jane);
        teacher.EctEligibleForFundingOn.ShouldBe(Today);
        teacher.EligibleForFunding(TeacherRole.Ect).ShouldBe(true);
    }

    [Fact]
    public void without_an_induction_nothing_is_set() =>
        Then(Teacher.Initial, RegisterEct.Decide(NewEct(), Teacher.Initial, Catalogue), Jane).EligibleForFunding(TeacherRole.Ect).ShouldBeNull();
}
