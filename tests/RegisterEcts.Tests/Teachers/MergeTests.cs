using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_support_merges_a_duplicate_with_a_history
{
    private static readonly DateOnly Left = new(2025, 7, 31);

    // Kept: Jane was an ECT at Oak last year, and withdrew. Duplicate: Sam, the same person, is an ECT at Elm now,
    // with an induction, an extension and a mentor.
    private static readonly Teacher Kept = Given([
        .. EctRegistered(startedOn: new(2024, 9, 1), today: new(2024, 9, 1)),
        new TrainingPeriodWithdrawn(Jane, 2, WithdrawalReason.MovedSchool, Left),
        new TeacherLeftSchoolAsEct(Jane, 1, Oak, Left),
    ]);

    private static readonly Teacher Duplicate = Given([
        .. EctRegistered(teacher: Sam, school: Elm, startedOn: new(2025, 9, 1)),
        new InductionPeriodOpened(Sam, 3, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed),
        new InductionExtensionAdded(Sam, 4, Body, 1m, new(2025, 10, 1)),
        new MentorshipStarted(Sam, 5, 1, Maria, 1, new(2025, 9, 8), null),
    ]);

    private static IReadOnlyList<StreamEvents> Merge(Teacher source, Teacher into) =>
        MergeTeachers.Decide(new(Sam, Jane, "Same person", "ZD-1", Today), source, into);

    [Fact]
    public void the_duplicates_history_is_renumbered_into_the_kept_teacher()
    {
        var streams = Merge(Duplicate, Kept);

        streams.For(Sam).ShouldBe([new TeacherHistoryMoved(Sam, Jane, Today), new TeacherMerged(Sam, Jane, Today)]);
        var events = streams.For(Jane);
        events.Count.ShouldBe(2);
        events[1].ShouldBe(new TeacherIdChanged(Jane, Sam, Today));
        var merged = events[0].ShouldBeOfType<TeacherHistoryMerged>();
        merged.FromTeacherId.ShouldBe(Sam);
        // New ids follow on from the kept teacher's last (2): ECT periods, training, mentorships, inductions, extensions.
        merged.NewIds.ShouldBe(new Dictionary<int, int> { [1] = 3, [2] = 4, [5] = 5, [3] = 6, [4] = 7 });
        merged.Emails.ShouldBe(new Dictionary<int, string> { [3] = "jane@example.com" });
        merged.EctPeriods.Single().Email.ShouldBeNull();

        var jane = Then(Kept, streams, Jane);
        jane.EctPeriods.Select(p => (p.Id, p.SchoolId, p.Dates)).ShouldBe([(1, Oak, new DateRange(new(2024, 9, 1), Left)), (3, Elm, new DateRange(new(2025, 9, 1), null))]);
        jane.EctPeriods[1].Email.ShouldBe("jane@example.com");
        jane.TrainingPeriods.Select(t => (t.Id, t.AtSchoolPeriodId)).ShouldBe([(2, 1), (4, 3)]);
        jane.Mentorships.ShouldBe([new Mentorship(5, 3, Maria, 1, new(new(2025, 9, 8), null))]);
        jane.InductionPeriods.Single().Id.ShouldBe(6);
        jane.InductionExtensions.Single().Id.ShouldBe(7);
        jane.LastId.ShouldBe(7);
        // Statuses are worked out again: the latest training is now the duplicate's, and an induction is running.
        Kept.EctTrainingStatus.ShouldBe(TrainingStatus.Withdrawn);
        jane.EctTrainingStatus.ShouldBe(TrainingStatus.Active);
        jane.InductionStatus.ShouldBe(InductionStatus.InProgress);
        jane.MergedFrom.ShouldBe([Sam]);
    }

    [Fact]
    public void the_duplicate_keeps_existing_retired_and_without_periods()
    {
        var sam = Then(Duplicate, Merge(Duplicate, Kept), Sam);

        sam.Exists.ShouldBeTrue();
        sam.MergedInto.ShouldBe(Jane);
        sam.EctPeriods.ShouldBeEmpty();
        sam.TrainingPeriods.ShouldBeEmpty();
        sam.Mentorships.ShouldBeEmpty();
        sam.InductionPeriods.ShouldBeEmpty();
        sam.InductionExtensions.ShouldBeEmpty();
        sam.InductionStatus.ShouldBe(InductionStatus.None);
        sam.EctTrainingStatus.ShouldBeNull();
    }

    [Fact]
    public void merging_again_writes_nothing()
    {
        var streams = Merge(Duplicate, Kept);

        Merge(Then(Duplicate, streams, Sam), Then(Kept, streams, Jane)).ShouldBeEmpty();
    }

    [Fact]
    public void a_mentors_periods_and_mentees_move_with_the_mentor_period_renumbered()
    {
        var sam = Given([.. MentorRegistered(teacher: Sam, school: Elm), new MentoringStarted(Sam, Tom, 4, 1, new(2025, 9, 8), null)]);
        var jane = Given(EctRegistered());

        var merged = Then(jane, Merge(sam, jane), Jane);

        merged.MentorPeriods.Single().ShouldBe(new MentorAtSchoolPeriod(3, Elm, new(new(2025, 9, 1), null), "maria@example.com"));
        // The mentee numbers the mentorship, so its id stays; the mentor period it runs in is the new one.
        merged.Mentorings.ShouldBe([new Mentoring(Tom, 4, 3, new(new(2025, 9, 8), null))]);
    }

    [Fact]
    public void overlapping_ect_periods_are_refused() =>
        ShouldRefuse(Given(EctRegistered(teacher: Sam)), Given(EctRegistered(school: Elm)), "ect_periods_overlap",
            "The duplicate's ECT period from 1 September 2025 overlaps the kept teacher's ECT period from 1 September 2025. "
            + "An ECT can only be at one school at a time, so correct the dates before merging");

    [Fact]
    public void overlapping_mentor_periods_at_one_school_are_refused() =>
        ShouldRefuse(Given(MentorRegistered(teacher: Sam, startedOn: new(2025, 1, 6))), Given(MentorRegistered(teacher: Jane)), "mentor_periods_overlap",
            "The duplicate's mentor period from 6 January 2025 overlaps the kept teacher's mentor period from 1 September 2025. "
            + "A mentor cannot be at the same school twice at once, so correct the dates before merging");

    [Fact]
    public void mentor_periods_at_different_schools_may_overlap() =>
        Then(Given(MentorRegistered(teacher: Jane)), Merge(Given(MentorRegistered(teacher: Sam, school: Elm)), Given(MentorRegistered(teacher: Jane))), Jane)
            .MentorPeriods.Select(p => p.SchoolId).ShouldBe([Oak, Elm]);

    [Fact]
    public void overlapping_training_of_one_role_is_refused()
    {
        var sam = Given(
            new TeacherRegisteredAsMentor(Sam, "7654321", "Maria Lopez", null, 1, Elm, new(2025, 9, 1)),
            new TrainingPeriodStarted(Sam, 2, TeacherRole.Mentor, 1, Elm, new(2025, 9, 1), null, TrainingProgramme.ProviderLed, null));
        var jane = Given(
            new TeacherRegisteredAsMentor(Jane, "7654321", "Maria Lopez", null, 1, Oak, new(2025, 9, 1)),
            new TrainingPeriodStarted(Jane, 2, TeacherRole.Mentor, 1, Oak, new(2025, 10, 1), null, TrainingProgramme.ProviderLed, null));

        ShouldRefuse(sam, jane, "training_periods_overlap",
            "The duplicate's mentor training from 1 September 2025 overlaps the kept teacher's mentor training from 1 October 2025. "
            + "Training for the same role cannot overlap, so correct the dates before merging");
    }

    [Fact]
    public void overlapping_induction_periods_are_refused()
    {
        var sam = Given([.. MentorRegistered(teacher: Sam, school: Elm), new InductionPeriodOpened(Sam, 2, Body, new(2024, 9, 1), TrainingProgramme.ProviderLed)]);
        var jane = Given([.. EctRegistered(), new InductionPeriodOpened(Jane, 3, Body, new(2025, 9, 1), TrainingProgramme.ProviderLed)]);

        ShouldRefuse(sam, jane, "induction_periods_overlap",
            "The duplicate's induction period from 1 September 2024 overlaps the kept teacher's induction period from 1 September 2025. "
            + "Induction periods cannot overlap, so correct the dates before merging");
    }

    [Fact]
    public void overlapping_mentorships_are_refused()
    {
        // Only a record left inconsistent could get here: a mentorship running on after its ECT period ended.
        var sam = Given(
            new TeacherRegisteredAsEct(Sam, "1234567", "Jane Doe", null, 1, Elm, new(2024, 9, 1), WorkingPattern.FullTime, Body),
            new TeacherLeftSchoolAsEct(Sam, 1, Elm, Left),
            new MentorshipStarted(Sam, 2, 1, Maria, 1, new(2024, 9, 8), null));
        var jane = Given([.. EctRegistered(), new MentorshipStarted(Jane, 3, 1, Tom, 1, new(2025, 9, 8), null)]);

        ShouldRefuse(sam, jane, "mentorships_overlap",
            "The duplicate's mentorship from 8 September 2024 overlaps the kept teacher's mentorship from 8 September 2025. "
            + "An ECT can only have one mentor at a time, so correct the dates before merging");
    }

    [Fact]
    public void two_induction_outcomes_are_refused()
    {
        var sam = Given([.. MentorRegistered(teacher: Sam, school: Elm),
            new InductionPeriodOpened(Sam, 2, Body, new(2023, 9, 1), TrainingProgramme.ProviderLed),
            new InductionOutcomeRecorded(Sam, 2, InductionOutcome.Pass, new(2024, 7, 31), 3m, null)]);
        var jane = Given([.. EctRegistered(),
            new InductionPeriodOpened(Jane, 3, Body, new(2024, 9, 1), TrainingProgramme.ProviderLed),
            new InductionOutcomeRecorded(Jane, 3, InductionOutcome.Fail, new(2025, 7, 31), 3m, null)]);

        ShouldRefuse(sam, jane, "induction_outcome_twice",
            "Both records have an induction outcome. A teacher can only have one, so decide which is right before merging");
    }

    private static void ShouldRefuse(Teacher source, Teacher into, string code, string message)
    {
        var refusal = Should.Throw<RuleViolation>(() => Merge(source, into));
        refusal.Code.ShouldBe(code);
        refusal.Message.ShouldBe(message);
    }
}
