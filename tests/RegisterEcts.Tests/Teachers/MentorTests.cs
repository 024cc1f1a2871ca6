using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_a_mentor_registers
{
    [Fact]
    public void a_mentor_of_a_provider_led_ect_gets_training_from_the_period_start()
    {
        var streams = RegisterMentor.Decide(NewMentor(leadProvider: Ambition, partnerships: [OakAmbition2025]), Teacher.Initial, Catalogue);
        streams.For(Maria).ShouldBe(
        [
            new TeacherRegisteredAsMentor(Maria, "7654321", "Maria Lopez", "maria@example.com", 1, Oak, new(2025, 9, 1)),
            new TrainingPeriodStarted(Maria, 2, TeacherRole.Mentor, 1, Oak, new(2025, 9, 1), null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", OakAmbition2025.PartnershipId, Partner)),
            new TeacherFundingEligibilitySet(Maria, TeacherRole.Mentor, Today),
        ]);
    }

    [Fact]
    public void without_a_lead_provider_there_is_no_training() =>
        RegisterMentor.Decide(NewMentor(), Teacher.Initial, Catalogue).For(Maria).ShouldBe(
            [new TeacherRegisteredAsMentor(Maria, "7654321", "Maria Lopez", "maria@example.com", 1, Oak, new(2025, 9, 1))]);

    [Fact]
    public void a_mentor_whose_funding_ended_gets_no_training()
    {
        var done = Given([.. MentorRegistered(school: Elm), new TeacherBecameIneligibleForFunding(Maria, TeacherRole.Mentor, new(2025, 7, 1), MentorIneligibilityReason.CompletedDeclarationReceived)]);
        RegisterMentor.Decide(NewMentor(startedOn: Today, leadProvider: Ambition, thisSchoolOnly: true), done, Catalogue).For(Maria)
            .OfType<TrainingPeriodStarted>().ShouldBeEmpty();
    }

    [Fact]
    public void registering_twice_at_the_same_school_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterMentor.Decide(NewMentor(), Given(MentorRegistered()), Catalogue))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("mentor_already_registered_at_school"),
                v => v.Message.ShouldBe("Maria Lopez is already registered as a mentor at your school"));
}

public class when_a_mentor_registers_at_a_second_school
{
    private readonly Teacher _atOak = Given(MentorRegistered(leadProvider: Ambition));

    [Fact]
    public void they_mentor_at_both_schools()
    {
        var teacher = Then(_atOak, RegisterMentor.Decide(NewMentor(school: Elm, startedOn: Today, leadProvider: Teach), _atOak, Catalogue), Maria);
        teacher.MentorPeriods.Select(p => (p.SchoolId, p.Dates.End)).ShouldBe([(Oak, (DateOnly?)null), (Elm, null)]);
    }

    [Fact]
    public void they_keep_their_one_training_period() =>
        RegisterMentor.Decide(NewMentor(school: Elm, startedOn: Today, leadProvider: Teach), _atOak, Catalogue).For(Maria)
            .OfType<TrainingPeriodStarted>().ShouldBeEmpty();

    [Fact]
    public void mentoring_at_the_new_school_only_finishes_the_old_school_the_day_before()
    {
        var streams = RegisterMentor.Decide(NewMentor(school: Elm, startedOn: Today, thisSchoolOnly: true, leadProvider: Teach), _atOak, Catalogue);
        var events = streams.For(Maria);
        events.ShouldContain(new TrainingPeriodFinished(Maria, 2, Yesterday));
        events.ShouldContain(new TeacherLeftSchoolAsMentor(Maria, 1, Oak, Yesterday));
        // Training moves with them, staying in their open cohort.
        events.OfType<TrainingPeriodStarted>().Single().ProviderLed!.ShouldSatisfyAllConditions(
            p => p.LeadProviderId.ShouldBe(Teach),
            p => p.ContractPeriodYear.ShouldBe(2025));
    }
}

public class when_a_mentor_is_assigned
{
    private readonly Teacher _jane = Given(EctRegistered(partnerships: [OakAmbition2025]));
    private readonly Teacher _maria = Given(MentorRegistered());

    [Fact]
    public void both_teachers_record_the_mentorship()
    {
        var streams = AssignMentor.Decide(new(Jane, Maria, Oak, Today), _jane, _maria, Catalogue);
        streams.For(Jane).ShouldBe([new MentorshipStarted(Jane, 3, 1, Maria, 1, Today, null)]);
        streams.For(Maria).First().ShouldBe(new MentoringStarted(Maria, Jane, 3, 1, Today, null));
    }

    [Fact]
    public void a_mentor_without_training_trains_with_the_ects_lead_provider()
    {
        var events = AssignMentor.Decide(new(Jane, Maria, Oak, Today), _jane, _maria, Catalogue).For(Maria);
        events.OfType<TrainingPeriodStarted>().Single().ShouldSatisfyAllConditions(
            t => t.StartedOn.ShouldBe(Today),
            t => t.ProviderLed.ShouldBe(new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", OakAmbition2025.PartnershipId, Partner)));
        events.ShouldContain(new TeacherFundingEligibilitySet(Maria, TeacherRole.Mentor, Today));
    }

    [Fact]
    public void assigning_the_same_mentor_again_records_nothing()
    {
        var streams = AssignMentor.Decide(new(Jane, Maria, Oak, Today), _jane, _maria, Catalogue);
        AssignMentor.Decide(new(Jane, Maria, Oak, Today), Then(_jane, streams, Jane), Then(_maria, streams, Maria), Catalogue).ShouldBeEmpty();
    }

    [Fact]
    public void a_mentee_cannot_mentor_themself() =>
        Should.Throw<RuleViolation>(() => AssignMentor.Decide(new(Jane, Jane, Oak, Today), _jane, _jane, Catalogue))
            .Message.ShouldBe("A mentee cannot mentor themself");

    [Fact]
    public void a_mentor_from_another_school_is_refused() =>
        Should.Throw<RuleViolation>(() => AssignMentor.Decide(new(Jane, Tom, Oak, Today), _jane, Given(MentorRegistered(teacher: Tom, school: Elm, trn: "1111111")), Catalogue))
            .Message.ShouldBe("Maria Lopez is not registered as a mentor at your school");
}

public class when_a_mentor_is_replaced_part_way
{
    private readonly Teacher _jane;
    private readonly Teacher _tom = Given(MentorRegistered(teacher: Tom, trn: "1111111"));
    private readonly IReadOnlyList<StreamEvents> _streams;

    public when_a_mentor_is_replaced_part_way()
    {
        var janeAtOak = Given(EctRegistered(today: new(2025, 9, 1)));
        var first = AssignMentor.Decide(new(Jane, Maria, Oak, new(2025, 9, 1)), janeAtOak, Given(MentorRegistered()), Catalogue);
        _jane = Then(janeAtOak, first, Jane);
        _streams = AssignMentor.Decide(new(Jane, Tom, Oak, Today), _jane, _tom, Catalogue);
    }

    [Fact]
    public void the_old_mentorship_finishes_yesterday_on_both_streams()
    {
        _streams.For(Jane).ShouldContain(new MentorshipFinished(Jane, 3, Yesterday));
        _streams.For(Maria).ShouldBe([new MentoringFinished(Maria, Jane, 3, Yesterday)]);
    }

    [Fact]
    public void the_new_mentorship_starts_today() =>
        _streams.For(Jane).ShouldContain(new MentorshipStarted(Jane, 4, 1, Tom, 1, Today, null));

    [Fact]
    public void three_streams_are_written_with_the_ect_first() =>
        _streams.Select(s => s.StreamId).ShouldBe([Jane, Maria, Tom]);

    [Fact]
    public void the_ect_has_one_mentor_at_a_time()
    {
        var teacher = Then(_jane, _streams, Jane);
        teacher.Mentorships.Count(m => m.Dates.Contains(Today)).ShouldBe(1);
        teacher.Mentorships.Single(m => m.Dates.Contains(Today)).MentorId.ShouldBe(Tom);
    }

    [Fact]
    public void a_mentorship_that_had_not_started_is_replaced()
    {
        var future = AssignMentor.Decide(new(Jane, Maria, Oak, Today), Given(EctRegistered(startedOn: new(2025, 11, 3))), Given(MentorRegistered()), Catalogue);
        var jane = Then(Given(EctRegistered(startedOn: new(2025, 11, 3))), future, Jane);
        var streams = AssignMentor.Decide(new(Jane, Tom, Oak, Today), jane, _tom, Catalogue);
        streams.For(Jane).First().ShouldBe(new MentorshipRemoved(Jane, 3, new(2025, 11, 3)));
        streams.For(Maria).ShouldBe([new MentoringRemoved(Maria, Jane, 3, new(2025, 11, 3))]);
    }
}
