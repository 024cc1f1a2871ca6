using RegisterEcts.Declarations;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.Declarations.DeclarationWorld;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests.Declarations;

public class when_a_lead_provider_submits_a_declaration
{
    private static readonly DateTimeOffset October1 = new(2025, 10, 1, 10, 0, 0, TimeSpan.Zero);

    private static RuleViolation Refused(SubmitDeclaration command, Teacher? teacher = null, IReadOnlyList<DeclarationSummary>? existing = null,
        IReadOnlyList<StatementSummary>? statements = null, ReferenceData? reference = null) =>
        Should.Throw<RuleViolation>(() => Decide(command, teacher ?? Eligible(), existing, statements, reference));

    [Fact]
    public void for_a_participant_eligible_for_funding_it_is_eligible_at_once_on_the_next_output_statement() =>
        Decide(Submit(), Eligible()).ShouldBe(
        [
            new DeclarationSubmitted(Id, Jane, Ambition, 2, TeacherRole.Ect, "started", October1, "training-event-attended", 2025, Partner, null, Today),
            new DeclarationEligible(Id, November.StatementId, Today),
        ]);

    [Fact]
    public void for_a_participant_not_yet_eligible_it_is_only_submitted() =>
        Decide(Submit(), NotYetEligible()).ShouldBe(
            [new DeclarationSubmitted(Id, Jane, Ambition, 2, TeacherRole.Ect, "started", October1, "training-event-attended", 2025, Partner, null, Today)]);

    [Fact]
    public void an_ect_declaration_names_the_mentor_of_the_time()
    {
        var mentored = Then(Eligible(), [new MentorshipStarted(Jane, 3, 1, Maria, 1, new(2025, 9, 10), null)]);
        Decide(Submit(), mentored).OfType<DeclarationSubmitted>().Single().MentorId.ShouldBe(Maria);
    }

    [Fact]
    public void every_broken_rule_is_reported_at_once_one_per_field() =>
        Refused(Submit(course: null, date: "yesterday", type: null)).Each.Select(v => (v.Code, v.Message)).ShouldBe(
        [
            ("course_identifier", "Enter a '#/course_identifier'."),
            ("declaration_date", "Enter a valid RCF3339 '#/declaration_date'."),
            ("declaration_type", "Enter a '#/declaration_type'."),
        ]);

    [Fact]
    public void for_a_known_participant_a_future_date_and_unknown_evidence_are_reported_together() =>
        Refused(Submit(date: "2099-01-01T00:00:00Z", evidence: "bogus")).Each.Select(v => (v.Code, v.Message)).ShouldBe(
        [
            ("declaration_date", "The '#/declaration_date' value cannot be a future date. Check the date and try again."),
            ("evidence_held", "Enter an available '#/evidence_held' type for this participant."),
        ]);

    [Fact]
    public void a_participant_id_is_required() =>
        Refused(Submit(teacher: Guid.Empty)).ShouldBe("participant_id", "Enter a '#/participant_id'.");

    [Fact]
    public void another_providers_participant_is_not_recognised() =>
        Refused(Submit(lp: Teach)).ShouldBe("participant_id",
            "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again.");

    [Fact]
    public void a_course_the_participant_does_not_take_is_not_recognised() =>
        Refused(Submit(course: LeadProviderWorld.Mentor)).ShouldBe("course_identifier",
            "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again.");

    [Fact]
    public void a_declaration_date_is_required() =>
        Refused(Submit(date: null)).ShouldBe("declaration_date", "Enter a '#/declaration_date'.");

    [Theory]
    [InlineData("2025-10-01")]
    [InlineData("01/10/2025 10:00")]
    [InlineData("2025-10-01T10:00:00")]
    public void a_declaration_date_must_be_rfc3339(string date) =>
        Refused(Submit(date: date)).ShouldBe("declaration_date", "Enter a valid RCF3339 '#/declaration_date'.");

    [Fact]
    public void an_offset_and_fraction_are_accepted() =>
        Decide(Submit(date: "2025-10-01T11:00:00.123+01:00"), Eligible()).OfType<DeclarationSubmitted>().Single().DeclarationDate
            .ShouldBe(October1.AddMilliseconds(123));

    [Fact]
    public void a_declaration_date_cannot_be_in_the_future() =>
        Refused(Submit(date: "2025-10-15T12:00:01Z")).ShouldBe("declaration_date",
            "The '#/declaration_date' value cannot be a future date. Check the date and try again.");

    [Fact]
    public void a_declaration_type_is_required() =>
        Refused(Submit(type: "")).ShouldBe("declaration_type", "Enter a '#/declaration_type'.");

    [Fact]
    public void an_unknown_declaration_type_is_refused() =>
        Refused(Submit(type: "retained-5")).ShouldBe("declaration_type", "Enter a valid declaration type.");

    [Fact]
    public void a_type_the_schedule_has_no_milestone_for_is_refused() =>
        Refused(Submit(type: "extended-1")).ShouldBe("declaration_type", "The property '#/declaration_type' does not exist for this schedule.");

    [Fact]
    public void a_date_before_the_milestone_opens_is_refused()
    {
        var onExtended = Then(Eligible(), [new TrainingScheduleChanged(Jane, 2, 2, 2025, "ecf-extended-september", OakAmbition2025.PartnershipId, Partner, Today)]);
        Refused(Submit(date: "2025-08-31T10:00:00Z"), onExtended).ShouldBe("declaration_date",
            "Declaration date must be on or after the milestone start date for the same declaration type.");
    }

    [Fact]
    public void a_date_after_the_milestone_closes_is_refused()
    {
        var dated = Milestones with
        {
            Schedules = Milestones.Schedules.SetItem((2025, "ecf-standard-september"),
                new Schedule(2025, "ecf-standard-september", [new Milestone("started", new(2025, 6, 1), new(2025, 9, 30))])),
        };
        Refused(Submit(), reference: dated).ShouldBe("declaration_date",
            "Declaration date must be on or before the milestone date for the same declaration type.");
        Decide(Submit(date: "2025-09-30T23:00:00Z"), Eligible(), reference: dated).ShouldNotBeEmpty();
    }

    [Fact]
    public void from_2025_evidence_is_required_for_every_type() =>
        Refused(Submit(evidence: null)).ShouldBe("evidence_held", "Enter a '#/evidence_held' value for this participant.");

    [Fact]
    public void retained_2_needs_engagement_evidence()
    {
        Refused(Submit(type: "retained-2", evidence: "training-event-attended")).ShouldBe("evidence_held", "Enter an available '#/evidence_held' type for this participant.");
        Decide(Submit(type: "retained-2", evidence: "75-percent-engagement-met"), Eligible()).ShouldNotBeEmpty();
    }

    [Fact]
    public void an_ect_completion_may_rest_on_one_term_of_induction_but_a_mentors_may_not()
    {
        Decide(Submit(type: "completed", evidence: "one-term-induction"), Eligible()).ShouldNotBeEmpty();
        Refused(Submit(type: "completed", evidence: "one-term-induction", course: LeadProviderWorld.Mentor, teacher: Maria), EligibleMentor())
            .ShouldBe("evidence_held", "Enter an available '#/evidence_held' type for this participant.");
    }

    [Fact]
    public void before_2025_a_started_declaration_needs_no_evidence_but_others_need_simple_evidence()
    {
        var in2024 = Given(
            new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", null, 1, Elm, new(2024, 9, 1), WorkingPattern.FullTime, Body),
            new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Elm, new(2024, 9, 1), null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2024, "ecf-standard-september", ElmAmbition2024.PartnershipId, Partner)));
        Decide(Submit(evidence: null), in2024).ShouldHaveSingleItem();
        var reference = Milestones with
        {
            Schedules = Milestones.Schedules.SetItem((2024, "ecf-standard-september"),
                new Schedule(2024, "ecf-standard-september", [new Milestone("started", new(2024, 6, 1), null), new Milestone("retained-1", new(2024, 6, 1), null)])),
        };
        Should.Throw<RuleViolation>(() => Decide(Submit(type: "retained-1", evidence: "materials-engaged-with-offline"), in2024, reference: reference))
            .ShouldBe("evidence_held", "Enter an available '#/evidence_held' type for this participant.");
    }

    [Fact]
    public void a_live_declaration_of_the_same_type_under_any_provider_is_a_duplicate() =>
        Refused(Submit(), existing: [Existing("started", "2025-09-20T10:00:00Z", DeclarationState.Paid, lp: Teach)]).ShouldBe("declaration_type",
            "A declaration has already been submitted that will be, or has been, paid for this event.");

    [Theory]
    [InlineData(DeclarationState.Voided)]
    [InlineData(DeclarationState.AwaitingClawback)]
    [InlineData(DeclarationState.ClawedBack)]
    public void a_voided_or_clawed_back_declaration_is_no_duplicate(DeclarationState state) =>
        Decide(Submit(), Eligible(), existing: [Existing("started", "2025-09-20T10:00:00Z", state)]).ShouldNotBeEmpty();

    [Fact]
    public void the_same_type_in_the_other_role_is_no_duplicate() =>
        Decide(Submit(), Eligible(), existing: [Existing("started", "2025-09-20T10:00:00Z", role: TeacherRole.Mentor) with { TeacherId = Jane }]).ShouldNotBeEmpty();

    [Fact]
    public void mentors_in_funded_cohorts_may_only_declare_started_and_completed() =>
        Refused(Submit(type: "retained-1", course: LeadProviderWorld.Mentor, teacher: Maria), EligibleMentor()).ShouldBe("declaration_type",
            "You cannot send retained or extended declarations for participants who began their mentor training after June 2025. Resubmit this declaration with either a started or completed declaration.");

    [Fact]
    public void a_declaration_dated_after_the_withdrawal_is_refused_but_one_on_that_day_is_accepted()
    {
        var withdrawn = Then(Eligible(), [new TrainingPeriodWithdrawn(Jane, 2, WithdrawalReason.Other, new(2025, 10, 1))]);
        Refused(Submit(date: "2025-10-02T10:00:00Z"), withdrawn).ShouldBe("participant_id",
            "This participant withdrew from this course on 2025-10-01T00:00:00Z. Enter a '#/declaration_date' that's on or before the withdrawal date.");
        Decide(Submit(date: "2025-10-01T18:00:00Z"), withdrawn).ShouldNotBeEmpty();
    }

    [Fact]
    public void deferral_does_not_block_declarations() =>
        Decide(Submit(), Then(Eligible(), [new TrainingPeriodDeferred(Jane, 2, DeferralReason.Other, new(2025, 10, 2))])).ShouldNotBeEmpty();

    [Fact]
    public void from_2025_dates_must_follow_the_order_of_declaration_types()
    {
        const string outOfSequence = "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates for this participant.";
        Refused(Submit(), existing: [Existing("retained-1", "2025-09-20T10:00:00Z")]).ShouldBe("declaration_date", outOfSequence);
        Refused(Submit(type: "retained-1", date: "2025-09-01T10:00:00Z"), existing: [Existing("started", "2025-09-20T10:00:00Z")])
            .ShouldBe("declaration_date", outOfSequence);
        Decide(Submit(type: "retained-1", date: "2025-10-01T10:00:00Z"), Eligible(), existing: [Existing("started", "2025-09-20T10:00:00Z")]).ShouldNotBeEmpty();
    }

    [Fact]
    public void an_eligible_participant_needs_an_open_output_statement_for_the_cohort() =>
        Refused(Submit(), statements: [October, November with { Status = StatementStatus.Payable }, TeachNovember]).ShouldBe("cohort",
            "You cannot submit or void declarations for the 2025 cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us.");

    [Fact]
    public void a_participant_not_yet_eligible_needs_no_statement() =>
        Decide(Submit(), NotYetEligible(), statements: []).ShouldHaveSingleItem();

    [Fact]
    public void training_today_in_a_payments_frozen_cohort_blocks_declarations()
    {
        var frozen = Given(
            new TeacherRegisteredAsEct(Jane, "1234567", "Jane Doe", null, 1, Elm, new(2022, 9, 1), WorkingPattern.FullTime, Body),
            new TrainingPeriodStarted(Jane, 2, TeacherRole.Ect, 1, Elm, new(2022, 9, 1), null, TrainingProgramme.ProviderLed,
                new ProviderLedTraining(Ambition, 2022, "ecf-standard-september", ElmAmbition2024.PartnershipId, Partner)));
        Should.Throw<RuleViolation>(() => Decide(Submit(evidence: null), frozen)).ShouldBe("cohort",
            "You cannot submit declarations for the 2022 cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us.");
    }
}
