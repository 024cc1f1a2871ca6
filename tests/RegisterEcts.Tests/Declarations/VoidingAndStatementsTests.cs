using RegisterEcts.Declarations;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.Declarations.DeclarationWorld;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests.Declarations;

public class when_a_lead_provider_voids_a_declaration
{
    private static readonly DateOnly December = new(2025, 12, 3);

    private static Declaration Given(params object[] events) => events.Aggregate(Declaration.Initial, Declaration.Evolve);

    private static readonly object[] Submitted =
        [new DeclarationSubmitted(Id, Jane, Ambition, 2, TeacherRole.Ect, "started", Now, "other", 2025, Partner, null, Today)];

    private static readonly object[] Paid =
    [
        .. Submitted, new DeclarationEligible(Id, November.StatementId, Today), new DeclarationPayable(Id, November.StatementId, new(2025, 12, 1)),
        new DeclarationPaid(Id, November.StatementId, new(2025, 12, 2)),
    ];

    private static IReadOnlyList<object> Void(Declaration state, Guid? lp = null, DateOnly? today = null, IReadOnlyList<StatementSummary>? statements = null) =>
        VoidDeclaration.Decide(new(Id, lp ?? Ambition, today ?? December), state, statements ?? AmbitionAndTeachStatements);

    [Fact]
    public void a_submitted_declaration_is_voided() =>
        Void(Given(Submitted)).ShouldBe([new DeclarationVoided(Id, December)]);

    [Fact]
    public void an_eligible_or_payable_declaration_is_voided()
    {
        Void(Given([.. Submitted, new DeclarationEligible(Id, November.StatementId, Today)])).ShouldBe([new DeclarationVoided(Id, December)]);
        Void(Given(Paid[..3])).ShouldBe([new DeclarationVoided(Id, December)]);
    }

    [Fact]
    public void a_paid_declaration_awaits_clawback_on_the_next_open_output_statement()
    {
        var events = Void(Given(Paid));
        events.ShouldBe([new DeclarationAwaitingClawback(Id, January.StatementId, December)]);
        Given([.. Paid, .. events]).Summary.ShouldSatisfyAllConditions(
            s => s.State.ShouldBe(DeclarationState.AwaitingClawback),
            s => s.ClawbackStatementId.ShouldBe(January.StatementId),
            s => s.StatementId.ShouldBe(November.StatementId));
    }

    [Fact]
    public void a_paid_declaration_cannot_be_clawed_back_once_the_cohorts_statements_are_over() =>
        Should.Throw<RuleViolation>(() => Void(Given(Paid), statements: [November, TeachNovember])).ShouldBe("participant_declaration_id",
            "You cannot submit or void declarations for the 2025 cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us");

    [Fact]
    public void a_voided_declaration_cannot_be_voided_again() =>
        Should.Throw<RuleViolation>(() => Void(Given([.. Submitted, new DeclarationVoided(Id, Today)])))
            .ShouldBe("participant_declaration_id", "The declaration has already been voided.");

    [Fact]
    public void a_declaration_awaiting_or_clawed_back_is_already_refunded()
    {
        var awaiting = Given([.. Paid, new DeclarationAwaitingClawback(Id, January.StatementId, December)]);
        Should.Throw<RuleViolation>(() => Void(awaiting)).ShouldBe("participant_declaration_id", "The declaration will or has been refunded");
        var clawedBack = Given([.. Paid, new DeclarationAwaitingClawback(Id, January.StatementId, December), new DeclarationClawedBack(Id, January.StatementId, new(2026, 2, 2))]);
        Should.Throw<RuleViolation>(() => Void(clawedBack)).ShouldBe("participant_declaration_id", "The declaration will or has been refunded");
    }

    [Fact]
    public void another_providers_declaration_cannot_be_found() =>
        Should.Throw<RuleViolation>(() => Void(Given(Submitted), lp: Teach)).Code.ShouldBe(VoidDeclaration.NotFoundCode);

    [Fact]
    public void an_unknown_declaration_cannot_be_found() =>
        Should.Throw<RuleViolation>(() => Void(Declaration.Initial)).Code.ShouldBe(VoidDeclaration.NotFoundCode);
}

public class when_a_statements_cut_off_date_passes_and_it_is_paid
{
    private static readonly DateOnly December1 = new(2025, 12, 1);

    private static Statement Opened(StatementSummary s) => Statement.Evolve(Statement.Initial,
        new StatementOpened(s.StatementId, s.LeadProviderId, s.ContractPeriodYear, s.Year, s.Month, s.DeadlineDate, s.PaymentDate, s.FeeType));

    private static DeclarationSummary On(StatementSummary statement, DeclarationState state, Guid? clawbackOn = null) =>
        new(Guid.CreateVersion7(), Jane, Ambition, 2, TeacherRole.Ect, "started", Now, 2025, state, statement.StatementId, clawbackOn);

    [Fact]
    public void the_statement_and_its_eligible_declarations_become_payable()
    {
        var eligible = On(November, DeclarationState.Eligible);
        var voided = On(November, DeclarationState.Voided);
        var elsewhere = On(January, DeclarationState.Eligible);
        var decision = MarkStatementPayable.Decide(new(November.StatementId, December1), Opened(November), [eligible, voided, elsewhere]);
        decision.StatementEvents.ShouldBe([new StatementMarkedPayable(November.StatementId, December1)]);
        decision.DeclarationEvents.ShouldBe([new DeclarationPayable(eligible.DeclarationId, November.StatementId, December1)]);
    }

    [Fact]
    public void a_statement_on_its_cut_off_date_is_not_yet_payable() =>
        Should.Throw<RuleViolation>(() => MarkStatementPayable.Decide(new(November.StatementId, November.DeadlineDate), Opened(November), []))
            .Code.ShouldBe("statement_deadline_not_passed");

    [Fact]
    public void a_payable_statement_is_not_marked_again()
    {
        var payable = Statement.Evolve(Opened(November), new StatementMarkedPayable(November.StatementId, December1));
        Should.Throw<RuleViolation>(() => MarkStatementPayable.Decide(new(November.StatementId, December1.AddDays(1)), payable, [])).Code.ShouldBe("statement_not_open");
    }

    [Fact]
    public void authorising_pays_its_payable_declarations_and_claws_back_its_clawbacks()
    {
        var payable = Statement.Evolve(Opened(November), new StatementMarkedPayable(November.StatementId, December1));
        var toPay = On(November, DeclarationState.Payable);
        var toClaw = On(October, DeclarationState.AwaitingClawback, clawbackOn: November.StatementId);
        var voided = On(November, DeclarationState.Voided);
        var decision = AuthoriseStatement.Decide(new(November.StatementId, December1.AddDays(1)), payable, [toPay, toClaw, voided]);
        decision.StatementEvents.ShouldBe([new StatementAuthorisedForPayment(November.StatementId, December1.AddDays(1))]);
        decision.DeclarationEvents.ShouldBe(
        [
            new DeclarationPaid(toPay.DeclarationId, November.StatementId, December1.AddDays(1)),
            new DeclarationClawedBack(toClaw.DeclarationId, November.StatementId, December1.AddDays(1)),
        ]);
        Statement.Evolve(payable, decision.StatementEvents[0]).Summary!.Status.ShouldBe(StatementStatus.Paid);
    }

    [Fact]
    public void an_open_statement_cannot_be_authorised() =>
        Should.Throw<RuleViolation>(() => AuthoriseStatement.Decide(new(November.StatementId, December1), Opened(November), [])).Code.ShouldBe("statement_not_payable");

    [Fact]
    public void a_paid_statement_cannot_be_authorised_again()
    {
        var paid = Statement.Evolve(Statement.Evolve(Opened(November), new StatementMarkedPayable(November.StatementId, December1)),
            new StatementAuthorisedForPayment(November.StatementId, December1));
        Should.Throw<RuleViolation>(() => AuthoriseStatement.Decide(new(November.StatementId, December1), paid, [])).Code.ShouldBe("statement_already_paid");
    }

    [Fact]
    public void statement_ids_follow_from_provider_cohort_and_month()
    {
        Statement.IdFor(Ambition, 2025, 2025, 11).ShouldBe(Statement.IdFor(Ambition, 2025, 2025, 11));
        Statement.IdFor(Ambition, 2025, 2025, 11).ShouldNotBe(Statement.IdFor(Ambition, 2024, 2025, 11));
        Statement.IdFor(Ambition, 2025, 2025, 11).ShouldNotBe(Statement.IdFor(Teach, 2025, 2025, 11));
    }

    [Fact]
    public void the_seed_opens_monthly_statements_for_every_active_provider_with_output_months_marked()
    {
        const string json = """{ "payment_day": 25, "cohorts": [ { "year": 2025, "first_month": "2025-09", "last_month": "2026-08" } ] }""";
        var statements = StatementSeed.Parse(json, Catalogue);
        statements.Count.ShouldBe(2 * 12);
        var november = statements.Single(s => s.LeadProviderId == Ambition && s.Month == 11);
        november.ShouldBe(new StatementOpened(Statement.IdFor(Ambition, 2025, 2025, 11), Ambition, 2025, 2025, 11, new(2025, 11, 30), new(2025, 12, 25), FeeType.Output));
        statements.Where(s => s.LeadProviderId == Ambition && s.FeeType == FeeType.Output).Select(s => s.Month).ShouldBe([11, 1, 4, 8]);
    }

    [Fact]
    public void the_seed_refuses_a_cohort_the_reference_data_does_not_have() =>
        Should.Throw<InvalidDataException>(() => StatementSeed.Parse("""{ "payment_day": 25, "cohorts": [ { "year": 2040, "first_month": "2040-09", "last_month": "2041-08" } ] }""", Catalogue));
}

public class when_a_teacher_becomes_eligible_for_funding_after_declarations
{
    [Fact]
    public void their_submitted_declarations_become_eligible_on_the_next_output_statement()
    {
        var submitted = Existing("started", "2025-10-01T10:00:00Z", DeclarationState.Submitted);
        var voided = Existing("retained-1", "2025-10-02T10:00:00Z", DeclarationState.Voided);
        MakeDeclarationsEligible.Decide(new(Jane, Today), Eligible(), [submitted, voided], AmbitionAndTeachStatements)
            .ShouldBe([new DeclarationEligible(submitted.DeclarationId, November.StatementId, Today)]);
    }

    [Fact]
    public void nothing_moves_while_the_teacher_is_not_eligible() =>
        MakeDeclarationsEligible.Decide(new(Jane, Today), NotYetEligible(), [Existing("started", "2025-10-01T10:00:00Z", DeclarationState.Submitted)], AmbitionAndTeachStatements)
            .ShouldBeEmpty();

    [Fact]
    public void without_an_open_statement_for_the_cohort_it_is_refused() =>
        Should.Throw<RuleViolation>(() => MakeDeclarationsEligible.Decide(new(Jane, Today), Eligible(),
            [Existing("started", "2025-10-01T10:00:00Z", DeclarationState.Submitted)], [TeachNovember])).Code.ShouldBe("cohort");
}

public class when_a_mentor_completes
{
    private static DeclarationSubmitted Completed(Guid teacher, TeacherRole role = TeacherRole.Mentor, string type = "completed") =>
        new(Id, teacher, Ambition, 2, role, type, new(2025, 10, 10, 9, 0, 0, TimeSpan.Zero), "75-percent-engagement-met", 2025, Partner, null, Today);

    [Fact]
    public void their_funding_ends_on_the_declaration_date_and_their_training_with_the_provider_finishes_then()
    {
        var mentor = EligibleMentor();
        var events = MentorCompletion.OnSubmitted(mentor, Completed(Maria), Today);
        events.ShouldBe(
        [
            new TeacherBecameIneligibleForFunding(Maria, TeacherRole.Mentor, new(2025, 10, 10), MentorIneligibilityReason.CompletedDeclarationReceived),
            new TrainingPeriodFinished(Maria, 2, new(2025, 10, 10)),
        ]);
        var after = Then(mentor, events);
        after.MentorIneligibleForFundingOn.ShouldBe(new DateOnly(2025, 10, 10));
        after.MentorIneligibilityReason.ShouldBe(MentorIneligibilityReason.CompletedDeclarationReceived);
    }

    [Fact]
    public void other_declarations_change_nothing()
    {
        MentorCompletion.OnSubmitted(EligibleMentor(), Completed(Maria, type: "started"), Today).ShouldBeEmpty();
        MentorCompletion.OnSubmitted(Eligible(), Completed(Jane, role: TeacherRole.Ect), Today).ShouldBeEmpty();
    }
}
