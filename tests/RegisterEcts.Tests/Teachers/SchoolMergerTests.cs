using RegisterEcts.Partnerships;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_gias_merges_the_school_of_an_ect
{
    private static readonly DateOnly MergedOn = new(2025, 8, 31);
    private static readonly Guid Recreated = Guid.Parse("00000000-0000-0000-0000-00000000e999");
    private readonly Teacher _jane = Given(EctRegistered(partnerships: [OakAmbition2025], today: new(2025, 9, 1)));

    private static MoveSchoolPeriods Move(Guid teacher) => new(teacher, Oak, Elm, MergedOn, new Dictionary<Guid, Guid> { [OakAmbition2025.PartnershipId] = Recreated });

    [Fact]
    public void the_period_moves_to_the_successor_and_training_follows_the_recreated_partnership() =>
        MoveSchoolPeriods.Decide(Move(Jane), _jane).ShouldBe(
        [
            new EctAtSchoolPeriodMovedSchool(Jane, 1, Oak, Elm, MergedOn),
            new TrainingPeriodPartnershipRecreated(Jane, 2, OakAmbition2025.PartnershipId, Recreated, MergedOn),
        ]);

    [Fact]
    public void the_period_and_its_training_are_at_the_successor_with_the_same_dates()
    {
        var moved = Then(_jane, MoveSchoolPeriods.Decide(Move(Jane), _jane));
        moved.EctPeriods.Single().ShouldSatisfyAllConditions(
            p => p.SchoolId.ShouldBe(Elm),
            p => p.Dates.ShouldBe(_jane.EctPeriods.Single().Dates));
        moved.TrainingPeriods.Single().ShouldSatisfyAllConditions(
            t => t.SchoolId.ShouldBe(Elm),
            t => t.ProviderLed!.PartnershipId.ShouldBe(Recreated),
            t => t.Dates.ShouldBe(_jane.TrainingPeriods.Single().Dates));
    }

    [Fact]
    public void moving_again_records_nothing()
    {
        var moved = Then(_jane, MoveSchoolPeriods.Decide(Move(Jane), _jane));
        MoveSchoolPeriods.Decide(Move(Jane), moved).ShouldBeEmpty();
    }

    [Fact]
    public void training_with_only_an_expression_of_interest_moves_without_a_partnership()
    {
        var jane = Given(EctRegistered(today: new(2025, 9, 1)));
        MoveSchoolPeriods.Decide(Move(Jane), jane).ShouldBe([new EctAtSchoolPeriodMovedSchool(Jane, 1, Oak, Elm, MergedOn)]);
    }

    [Fact]
    public void an_unknown_teacher_is_refused() =>
        Should.Throw<RuleViolation>(() => MoveSchoolPeriods.Decide(Move(Jane), Teacher.Initial))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("teacher_not_found"),
                v => v.Message.ShouldBe("The teacher is not registered"));

    [Fact]
    public void a_school_cannot_merge_into_itself() =>
        new MoveSchoolPeriods.Validator().Validate(new MoveSchoolPeriods(Jane, Oak, Oak, MergedOn, new Dictionary<Guid, Guid>()))
            .Errors.Single().ErrorMessage.ShouldBe("A school cannot merge into itself");
}

public class when_gias_merges_the_school_of_a_mentor
{
    private static readonly DateOnly MergedOn = new(2025, 8, 31);

    private static MoveSchoolPeriods Move() => new(Maria, Oak, Elm, MergedOn, new Dictionary<Guid, Guid>());

    private static TeacherRegisteredAsMentor At(Guid school, int period, DateOnly startedOn) =>
        new(Maria, "7654321", "Maria Lopez", "maria@example.com", period, school, startedOn);

    [Fact]
    public void a_mentor_with_no_period_at_the_successor_moves_there() =>
        MoveSchoolPeriods.Decide(Move(), Given(At(Oak, 1, new(2025, 1, 6)))).ShouldBe([new MentorAtSchoolPeriodMovedSchool(Maria, 1, Oak, Elm, MergedOn)]);

    [Fact]
    public void a_period_overlapping_one_at_the_successor_merges_into_it()
    {
        var maria = Given(
            At(Oak, 1, new(2025, 1, 6)),
            new MentoringStarted(Maria, Jane, 3, 1, new(2025, 1, 6), null),
            At(Elm, 2, new(2025, 4, 1)),
            new TeacherLeftSchoolAsMentor(Maria, 2, Elm, new(2026, 7, 31)));

        var events = MoveSchoolPeriods.Decide(Move(), maria);

        // The merged period runs from the earlier start; the open end of the moved one wins.
        events.ShouldBe([new MentorAtSchoolPeriodsMerged(Maria, 1, 2, Oak, Elm, new(2025, 1, 6), null, MergedOn)]);
        var merged = Then(maria, events);
        merged.MentorPeriods.ShouldBe([new MentorAtSchoolPeriod(2, Elm, new(new(2025, 1, 6), null), "maria@example.com")]);
        merged.Mentorings.Single().MentorPeriodId.ShouldBe(2);
    }

    [Fact]
    public void a_period_that_ended_before_the_one_at_the_successor_moves_alongside_it() =>
        MoveSchoolPeriods.Decide(Move(), Given(
                At(Oak, 1, new(2024, 9, 1)), new TeacherLeftSchoolAsMentor(Maria, 1, Oak, new(2025, 3, 31)), At(Elm, 2, new(2025, 4, 1))))
            .ShouldBe([new MentorAtSchoolPeriodMovedSchool(Maria, 1, Oak, Elm, MergedOn)]);

    [Fact]
    public void a_period_overlapping_two_at_the_successor_is_left_for_a_person() =>
        Should.Throw<RuleViolation>(() => MoveSchoolPeriods.Decide(Move(), Given(
                At(Elm, 1, new(2025, 1, 6)), new TeacherLeftSchoolAsMentor(Maria, 1, Elm, new(2025, 3, 31)),
                At(Elm, 2, new(2025, 5, 1)),
                At(Oak, 3, new(2025, 2, 3)))))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("mentor_periods_overlap"),
                v => v.Message.ShouldBe("Maria Lopez's mentor period from 3 February 2025 overlaps 2 periods at the successor school; a person must decide"));
}

public class when_a_partnership_is_recreated_at_the_successor_school
{
    private static readonly Guid NewId = Guid.Parse("00000000-0000-0000-0000-00000000e998");
    private static readonly RecreateSchoolPartnership Command = new(NewId, OakAmbition2025, Elm, new(2025, 8, 31));
    private static readonly SchoolPartnershipRecreated Recreated = new(NewId, OakAmbition2025.PartnershipId, Elm, Ambition, Partner, 2025, new(2025, 8, 31));

    [Fact]
    public void the_same_lead_provider_delivery_partner_and_year_are_partnered_with_the_successor() =>
        RecreateSchoolPartnership.Decide(Command, SchoolPartnership.Initial, []).ShouldBe([Recreated]);

    [Fact]
    public void recreating_again_records_nothing() =>
        RecreateSchoolPartnership.Decide(Command, SchoolPartnership.Evolve(SchoolPartnership.Initial, Recreated), []).ShouldBeEmpty();

    [Fact]
    public void another_partnership_with_the_id_is_refused() =>
        Should.Throw<RuleViolation>(() => RecreateSchoolPartnership.Decide(Command, OakTeach2025 with { PartnershipId = NewId }, []))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("partnership_exists"),
                v => v.Message.ShouldBe("A partnership with this id already exists with other details"));

    [Fact]
    public void a_successor_with_its_own_partnership_for_the_lead_provider_and_year_is_refused() =>
        Should.Throw<RuleViolation>(() => RecreateSchoolPartnership.Decide(Command, SchoolPartnership.Initial, [OakAmbition2025 with { PartnershipId = Guid.NewGuid(), SchoolId = Elm }]))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("partnership_already_exists"),
                v => v.Message.ShouldBe("The successor school already has a partnership with this lead provider for 2025"));

    [Fact]
    public void the_new_id_and_another_school_are_required() =>
        new RecreateSchoolPartnership.Validator().Validate(new RecreateSchoolPartnership(OakAmbition2025.PartnershipId, OakAmbition2025, Oak, new(2025, 8, 31)))
            .Errors.Select(e => e.ErrorMessage).ShouldBe(["A re-created partnership needs a new id", "A partnership cannot be re-created at its own school"]);
}
