using RegisterEcts.Declarations;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

/// Jane has trained with Ambition at Oak since 1 September 2025 (training period 2 in ECT period 1); today is 15 October.
public static class LeadProviderWorld
{
    public static readonly DateOnly September = new(2025, 9, 1);
    public const string Ect = "ecf-induction";
    public const string Mentor = "ecf-mentor";

    public static Teacher Training() => Given(EctRegistered(startedOn: September, today: September, partnerships: [OakAmbition2025]));

    public static Teacher MentorTraining() => Given([.. RegisterMentor.Decide(
        NewMentor(startedOn: September, today: September, leadProvider: Ambition, partnerships: [OakAmbition2025]), Teacher.Initial, Catalogue).For(Maria)]);

    public static RuleViolation Refused(Action decide) => Should.Throw<RuleViolation>(decide);

    public static void ShouldBe(this RuleViolation violation, string code, string message)
    {
        violation.Code.ShouldBe(code);
        violation.Message.ShouldBe(message);
    }
}

public class when_a_lead_provider_defers_training
{
    private static IReadOnlyList<object> Defer(Teacher t, string? reason = "bereavement", string? course = LeadProviderWorld.Ect, Guid? lp = null, DateOnly? today = null) =>
        DeferTraining.Decide(new(Jane, lp ?? Ambition, course, reason, today ?? Today), t);

    [Fact]
    public void its_latest_training_is_deferred_and_ends_today()
    {
        var training = LeadProviderWorld.Training();
        var events = Defer(training, "long-term-sickness");
        events.ShouldBe([new TrainingPeriodDeferred(Jane, 2, DeferralReason.LongTermSickness, Today)]);
        var after = Then(training, events);
        after.EctTrainingStatus.ShouldBe(TrainingStatus.Deferred);
        after.TrainingPeriods.Single().Dates.ShouldBe(new DateRange(LeadProviderWorld.September, Today));
    }

    [Fact]
    public void a_reason_is_required() =>
        LeadProviderWorld.Refused(() => Defer(LeadProviderWorld.Training(), reason: null)).ShouldBe("reason", "Enter a '#/reason'.");

    [Fact]
    public void an_underscored_reason_is_not_recognised() =>
        LeadProviderWorld.Refused(() => Defer(LeadProviderWorld.Training(), reason: "long_term_sickness"))
            .ShouldBe("reason", "The entered '#/reason' is not recognised for the given participant. Check details and try again.");

    [Fact]
    public void a_course_identifier_is_required() =>
        LeadProviderWorld.Refused(() => Defer(LeadProviderWorld.Training(), course: null)).ShouldBe("course_identifier", "Enter a '#/course_identifier'.");

    [Fact]
    public void a_course_the_participant_does_not_take_with_the_provider_is_not_recognised() =>
        LeadProviderWorld.Refused(() => Defer(LeadProviderWorld.Training(), course: LeadProviderWorld.Mentor))
            .ShouldBe("course_identifier", "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again.");

    [Fact]
    public void another_providers_participant_is_not_recognised() =>
        LeadProviderWorld.Refused(() => Defer(LeadProviderWorld.Training(), lp: Teach))
            .ShouldBe("participant_id", "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again.");

    [Fact]
    public void an_unknown_teacher_is_not_recognised() =>
        LeadProviderWorld.Refused(() => Defer(Teacher.Initial)).Code.ShouldBe("participant_id");

    [Fact]
    public void deferred_training_cannot_be_deferred_again()
    {
        var deferred = Then(LeadProviderWorld.Training(), Defer(LeadProviderWorld.Training(), today: Yesterday));
        LeadProviderWorld.Refused(() => Defer(deferred)).ShouldBe("participant_id", "The '#/participant_id' is already deferred.");
    }

    [Fact]
    public void withdrawn_training_cannot_be_deferred()
    {
        var withdrawn = Then(LeadProviderWorld.Training(), [new TrainingPeriodWithdrawn(Jane, 2, WithdrawalReason.Other, Yesterday)]);
        LeadProviderWorld.Refused(() => Defer(withdrawn)).ShouldBe("participant_id", "The '#/participant_id' is already withdrawn.");
    }

    [Fact]
    public void training_that_has_not_started_cannot_be_deferred() =>
        LeadProviderWorld.Refused(() => Defer(LeadProviderWorld.Training(), today: new(2025, 8, 20)))
            .ShouldBe("participant_id", "You cannot defer #/participant_id. This is because they have not been training with you for at least one day.");

    [Fact]
    public void training_that_started_today_cannot_be_deferred_until_tomorrow() =>
        LeadProviderWorld.Refused(() => Defer(LeadProviderWorld.Training(), today: LeadProviderWorld.September))
            .ShouldBe("participant_id", "You cannot defer or withdraw this participant today. You need to try again tomorrow as the training was recently changed for this participant.");
}

public class when_a_lead_provider_withdraws_training
{
    private static IReadOnlyList<object> Withdraw(Teacher t, string? reason = "moved-school", DateOnly? today = null) =>
        WithdrawTraining.Decide(new(t.Id == Maria ? Maria : Jane, Ambition, t.Id == Maria ? LeadProviderWorld.Mentor : LeadProviderWorld.Ect, reason, today ?? Today), t);

    [Fact]
    public void its_latest_training_is_withdrawn_and_ends_today()
    {
        var events = Withdraw(LeadProviderWorld.Training());
        events.ShouldBe([new TrainingPeriodWithdrawn(Jane, 2, WithdrawalReason.MovedSchool, Today)]);
        Then(LeadProviderWorld.Training(), events).EctTrainingStatus.ShouldBe(TrainingStatus.Withdrawn);
    }

    [Fact]
    public void deferred_training_can_be_withdrawn_and_then_reads_as_withdrawn()
    {
        var deferred = Then(LeadProviderWorld.Training(), [new TrainingPeriodDeferred(Jane, 2, DeferralReason.Other, Yesterday)]);
        Then(deferred, Withdraw(deferred)).EctTrainingStatus.ShouldBe(TrainingStatus.Withdrawn);
    }

    [Fact]
    public void an_ect_cannot_be_withdrawn_for_no_longer_being_a_mentor() =>
        LeadProviderWorld.Refused(() => Withdraw(LeadProviderWorld.Training(), "mentor-no-longer-being-mentor"))
            .ShouldBe("reason", "You cannot withdraw an ECT for this reason. The ECT is not a mentor.");

    [Fact]
    public void a_mentor_can_be_withdrawn_for_no_longer_being_a_mentor() =>
        Withdraw(LeadProviderWorld.MentorTraining(), "mentor-no-longer-being-mentor")
            .ShouldBe([new TrainingPeriodWithdrawn(Maria, 2, WithdrawalReason.MentorNoLongerBeingMentor, Today)]);

    [Fact]
    public void an_unknown_reason_is_not_recognised() =>
        LeadProviderWorld.Refused(() => Withdraw(LeadProviderWorld.Training(), "bored")).Code.ShouldBe("reason");

    [Fact]
    public void withdrawn_training_cannot_be_withdrawn_again()
    {
        var withdrawn = Then(LeadProviderWorld.Training(), Withdraw(LeadProviderWorld.Training(), today: Yesterday));
        LeadProviderWorld.Refused(() => Withdraw(withdrawn)).ShouldBe("participant_id", "The '#/participant_id' is already withdrawn.");
    }

    [Fact]
    public void training_that_has_not_started_cannot_be_withdrawn() =>
        LeadProviderWorld.Refused(() => Withdraw(LeadProviderWorld.Training(), today: new(2025, 8, 1)))
            .ShouldBe("participant_id", "You cannot withdraw #/participant_id. This is because they have not been training with you for at least one day.");
}

public class when_a_lead_provider_resumes_training
{
    private static readonly Teacher Deferred = Then(LeadProviderWorld.Training(), [new TrainingPeriodDeferred(Jane, 2, DeferralReason.Other, Yesterday)]);

    private static IReadOnlyList<object> Resume(Teacher t, DateOnly? today = null) => ResumeTraining.Decide(new(Jane, Ambition, LeadProviderWorld.Ect, today ?? Today), t);

    [Fact]
    public void a_new_active_period_runs_from_today_with_the_same_partnership_and_schedule()
    {
        var events = Resume(Deferred);
        events.ShouldBe(
        [
            new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, Today, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2025, "ecf-standard-september", OakAmbition2025.PartnershipId, Partner)),
            new TrainingPeriodResumed(Jane, 2, 3, Today),
        ]);
        var after = Then(Deferred, events);
        after.EctTrainingStatus.ShouldBe(TrainingStatus.Active);
        after.TrainingPeriods.First().Status.ShouldBe(TrainingStatus.Deferred);
    }

    [Fact]
    public void withdrawn_training_can_be_resumed_too()
    {
        var withdrawn = Then(LeadProviderWorld.Training(), [new TrainingPeriodWithdrawn(Jane, 2, WithdrawalReason.Other, Yesterday)]);
        Resume(withdrawn).OfType<TrainingPeriodResumed>().ShouldHaveSingleItem();
    }

    [Fact]
    public void active_training_cannot_be_resumed() =>
        LeadProviderWorld.Refused(() => Resume(LeadProviderWorld.Training())).ShouldBe("participant_id", "The '#/participant_id' is already active.");

    [Fact]
    public void training_deferred_today_can_be_resumed_tomorrow_but_not_today() =>
        LeadProviderWorld.Refused(() => Resume(Deferred, Yesterday))
            .ShouldBe("participant_id", "You cannot resume a participant on the same day they were withdrawn or deferred. Resume them tomorrow or later.");

    [Fact]
    public void a_participant_training_with_another_provider_at_the_school_cannot_be_resumed()
    {
        var moved = Then(Deferred, [new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, Today, null, TrainingProgramme.ProviderLed,
            new ProviderLedTraining(Teach, 2025, "ecf-standard-september", OakTeach2025.PartnershipId, Partner))]);
        LeadProviderWorld.Refused(() => Resume(moved))
            .ShouldBe("participant_id", "This participant cannot be resumed because they are already active with another provider.");
    }

    [Fact]
    public void a_participant_who_left_the_school_cannot_be_resumed()
    {
        var left = Then(Deferred, [new TeacherLeftSchoolAsEct(Jane, 1, Oak, Today)]);
        LeadProviderWorld.Refused(() => Resume(left))
            .ShouldBe("participant_id", "The participant is no longer at the school. Please contact the induction tutor to resolve.");
    }
}

public class when_a_lead_provider_changes_a_schedule
{
    private static readonly SchoolPartnership OakAmbition2024 = new(Guid.Parse("00000000-0000-0000-0000-00000000e224"), Oak, Ambition, Partner, 2024);
    private static readonly SchoolPartnership OakAmbition2022 = new(Guid.Parse("00000000-0000-0000-0000-00000000e222"), Oak, Ambition, Partner, 2022);

    private static IReadOnlyList<object> Change(Teacher t, string? schedule, int? cohort = null, IReadOnlyList<SchoolPartnership>? partnerships = null,
        IReadOnlyList<DeclarationSummary>? declarations = null, ReferenceData? reference = null, DateOnly? today = null, Guid? teacher = null, string course = LeadProviderWorld.Ect) =>
        ChangeSchedule.Decide(new(teacher ?? Jane, Ambition, course, schedule, cohort, partnerships ?? [], declarations ?? [], today ?? Today), t, reference ?? Catalogue);

    [Fact]
    public void training_under_way_finishes_yesterday_and_continues_today_on_the_new_schedule()
    {
        var training = LeadProviderWorld.Training();
        var events = Change(training, "ecf-extended-september");
        events.ShouldBe(
        [
            new TrainingPeriodFinished(Jane, 2, Yesterday),
            new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, Today, null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2025, "ecf-extended-september", OakAmbition2025.PartnershipId, Partner)),
            new TrainingScheduleChanged(Jane, 2, 3, 2025, "ecf-extended-september", OakAmbition2025.PartnershipId, Partner, Today),
        ]);
        Then(training, events).LatestTraining(TeacherRole.Ect)!.ProviderLed!.ScheduleIdentifier.ShouldBe("ecf-extended-september");
    }

    [Fact]
    public void training_that_starts_today_changes_in_place()
    {
        var today = Given(EctRegistered(startedOn: Today, partnerships: [OakAmbition2025]));
        var events = Change(today, "ecf-reduced-january");
        events.ShouldBe([new TrainingScheduleChanged(Jane, 2, 2, 2025, "ecf-reduced-january", OakAmbition2025.PartnershipId, Partner, Today)]);
        Then(today, events).TrainingPeriods.Single().ProviderLed!.ScheduleIdentifier.ShouldBe("ecf-reduced-january");
    }

    [Fact]
    public void a_blank_schedule_is_refused() =>
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.Training(), " "))
            .ShouldBe("schedule_identifier", "The property '#/schedule_identifier' must be present and correspond to a valid schedule.");

    [Fact]
    public void an_unknown_schedule_identifier_is_refused() =>
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.Training(), "ecf-standard-june")).ShouldBe("schedule_identifier", "Enter a valid schedule identifier.");

    [Fact]
    public void a_schedule_the_cohort_does_not_have_is_refused()
    {
        var without = Catalogue with { Schedules = Catalogue.Schedules.Remove((2025, "ecf-extended-april")) };
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.Training(), "ecf-extended-april", reference: without))
            .ShouldBe("schedule_identifier", "The property '#/schedule_identifier' must be present and correspond to a valid schedule.");
    }

    [Fact]
    public void the_same_schedule_is_refused() =>
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.Training(), "ecf-standard-september"))
            .ShouldBe("schedule_identifier", "Selected schedule is already on the profile");

    [Fact]
    public void an_ect_cannot_go_on_a_replacement_schedule() =>
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.Training(), "ecf-replacement-september"))
            .ShouldBe("schedule_identifier", "Selected schedule is not valid for the course_identifier");

    [Fact]
    public void a_mentor_cannot_go_on_a_reduced_schedule() =>
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.MentorTraining(), "ecf-reduced-september", teacher: Maria, course: LeadProviderWorld.Mentor))
            .ShouldBe("schedule_identifier", "Mentors cannot be placed on a reduced schedule. Assign them to a different schedule.");

    [Fact]
    public void an_ect_who_completed_induction_can_only_move_to_a_reduced_schedule()
    {
        var passed = Then(LeadProviderWorld.Training(), [
            new InductionPeriodOpened(Jane, 3, Body, LeadProviderWorld.September, TrainingProgramme.ProviderLed),
            new InductionOutcomeRecorded(Jane, 3, InductionOutcome.Pass, Yesterday, 3, null)]);
        LeadProviderWorld.Refused(() => Change(passed, "ecf-extended-september"))
            .ShouldBe("participant_id", "You cannot change this participant's schedule as they have completed their training or induction.");
        Change(passed, "ecf-reduced-september").OfType<TrainingScheduleChanged>().ShouldHaveSingleItem();
    }

    [Fact]
    public void a_mentor_whose_funding_ended_cannot_change_schedule()
    {
        var done = Then(LeadProviderWorld.MentorTraining(), [new TeacherBecameIneligibleForFunding(Maria, TeacherRole.Mentor, Yesterday, MentorIneligibilityReason.CompletedDeclarationReceived)]);
        LeadProviderWorld.Refused(() => Change(done, "ecf-extended-september", teacher: Maria, course: LeadProviderWorld.Mentor)).Code.ShouldBe("participant_id");
    }

    [Fact]
    public void a_participant_deferred_today_has_left_and_cannot_change_schedule()
    {
        var deferred = Then(LeadProviderWorld.Training(), [new TrainingPeriodDeferred(Jane, 2, DeferralReason.Other, Today)]);
        LeadProviderWorld.Refused(() => Change(deferred, "ecf-extended-september")).ShouldBe("participant_id",
            "You cannot change this participant's schedule. This is because the participant has a 'left' participant_status, so they are not training with you currently.");
    }

    [Fact]
    public void a_withdrawal_that_takes_effect_later_blocks_the_change()
    {
        var withdrawn = Then(LeadProviderWorld.Training(), [new TrainingPeriodWithdrawn(Jane, 2, WithdrawalReason.Other, Today.AddDays(10))]);
        LeadProviderWorld.Refused(() => Change(withdrawn, "ecf-extended-september")).ShouldBe("participant_id", "Cannot perform actions on a withdrawn participant");
    }

    [Fact]
    public void a_participant_due_to_start_with_another_provider_cannot_change_schedule()
    {
        var moving = Then(LeadProviderWorld.Training(), [
            new TrainingPeriodFinished(Jane, 2, Today.AddDays(5)),
            new TrainingPeriodStarted(Jane, 3, TeacherRole.Ect, 1, Oak, Today.AddDays(6), null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Teach, 2025, "ecf-standard-september", OakTeach2025.PartnershipId, Partner))]);
        LeadProviderWorld.Refused(() => Change(moving, "ecf-extended-september"))
            .ShouldBe("participant_id", "You cannot change this participant's schedule as they are due to start with another lead provider in the future.");
    }

    [Fact]
    public void moving_cohort_needs_a_partnership_with_the_school_in_that_cohort() =>
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.Training(), "ecf-standard-september", cohort: 2024)).ShouldBe("cohort",
            "You cannot change a participant to this contract_period as you do not have a partnership with the school for the contract_period. Contact the DfE for assistance.");

    [Fact]
    public void moving_cohort_uses_the_schools_partnership_for_that_cohort()
    {
        var events = Change(LeadProviderWorld.Training(), "ecf-standard-september", cohort: 2024, partnerships: [OakAmbition2025, OakAmbition2024]);
        events.OfType<TrainingPeriodStarted>().Single().ProviderLed
            .ShouldBe(new ProviderLedTraining(Ambition, 2024, "ecf-standard-september", OakAmbition2024.PartnershipId, Partner));
    }

    [Fact]
    public void a_payments_frozen_cohort_is_closed_to_participants_who_never_belonged_to_it() =>
        LeadProviderWorld.Refused(() => Change(LeadProviderWorld.Training(), "ecf-standard-september", cohort: 2022, partnerships: [OakAmbition2022]))
            .ShouldBe("cohort", "You cannot move a participant to a payments frozen cohort unless they previously belonged to that cohort.");

    [Fact]
    public void a_participant_moved_out_of_a_frozen_cohort_may_go_back_to_it()
    {
        var reassigned = Then(LeadProviderWorld.Training(), [new CohortChangedAfterPaymentsFrozen(Jane, TeacherRole.Ect, 2022, 2025, LeadProviderWorld.September)]);
        Change(reassigned, "ecf-standard-september", cohort: 2022, partnerships: [OakAmbition2022])
            .OfType<TrainingScheduleChanged>().Single().ContractPeriodYear.ShouldBe(2022);
    }

    [Fact]
    public void declarations_that_would_fall_outside_the_new_schedule_block_a_same_day_change()
    {
        var today = Given(EctRegistered(startedOn: Today, partnerships: [OakAmbition2025]));
        var later = Catalogue with
        {
            Schedules = Catalogue.Schedules.SetItem((2025, "ecf-standard-january"),
                new Schedule(2025, "ecf-standard-january", [new Milestone("started", new(2026, 1, 1), null)])),
        };
        DeclarationSummary started = new(Guid.CreateVersion7(), Jane, Ambition, 2, TeacherRole.Ect, "started", new(2025, 10, 15, 9, 0, 0, TimeSpan.Zero), 2025, DeclarationState.Eligible);
        LeadProviderWorld.Refused(() => Change(today, "ecf-standard-january", declarations: [started], reference: later)).ShouldBe("schedule_identifier",
            "The change of schedule cannot be applied because a previous change of schedule and a declaration were made on the same day. Applying another change of schedule would invalidate existing declarations. Please contact DfE for assistance.");
        // A voided declaration no longer counts.
        Change(today, "ecf-standard-january", declarations: [started with { State = DeclarationState.Voided }], reference: later).ShouldHaveSingleItem();
    }
}
