using System.Net;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// Declarations over a participant's training: withdrawal, payment and clawback, and mentors from 2025.
public class when_declarations_follow_a_participants_training(ApiWithDeclarations api) : IClassFixture<ApiWithDeclarations>
{
    private static readonly Guid Ambition = ApiWithSchools.Ambition;

    [Fact]
    public async Task after_a_withdrawal_only_declarations_dated_on_or_before_it_are_accepted()
    {
        var jane = await api.EctAsync(Ambition);
        await api.WithdrawAsync(jane, 2, Day(2025, 10, 10));
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.DeclaresAsync(jane, "retained-1", "2025-10-11T09:00:00Z", on: Day(2025, 10, 20))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_id", "This participant withdrew from this course on 2025-10-10T00:00:00Z. Enter a '#/declaration_date' that's on or before the withdrawal date."));
        (await ambition.DeclaresAsync(jane, "started", "2025-09-20T10:00:00Z", on: Day(2025, 10, 20))).ShouldBe(HttpStatusCode.OK).Attribute("state").ShouldBe("eligible");
        (await ambition.DeclaresAsync(jane, "retained-1", "2025-10-10T15:00:00Z", on: Day(2025, 10, 20))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_declaration_voided_before_payment_is_voided_and_one_voided_after_payment_awaits_clawback()
    {
        var jane = await api.EctAsync(Ambition);
        var john = await api.EctAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var november = Statement.IdFor(Ambition, 2025, 2025, 11);
        var janes = (await ambition.DeclaresAsync(jane)).ShouldBe(HttpStatusCode.OK).Id();
        var johns = (await ambition.DeclaresAsync(john)).ShouldBe(HttpStatusCode.OK).Id();

        await StatementStreams.MarkPayableAsync(api.Store, Day(2025, 12, 1), ApiWithDeclarations.Context);
        (await ambition.GetAsync($"/api/v3/participant-declarations/{janes}", Day(2025, 12, 1))).Attribute("state").ShouldBe("payable");
        var voided = (await ambition.VoidsAsync(janes, Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        voided.Attribute("state").ShouldBe("voided");

        await StatementStreams.AuthoriseAsync(api.Store, november, Day(2025, 12, 2), ApiWithDeclarations.Context);
        var paid = (await ambition.GetAsync($"/api/v3/participant-declarations/{johns}", Day(2025, 12, 2))).ShouldBe(HttpStatusCode.OK);
        paid.Attribute("state").ShouldBe("paid");
        (await ambition.GetAsync($"/api/v3/statements/{november}", Day(2025, 12, 2))).ShouldBe(HttpStatusCode.OK)["data"]["attributes"]!["paid"]!.GetValue<bool>().ShouldBeTrue();

        var clawback = (await ambition.VoidsAsync(johns, Day(2025, 12, 3))).ShouldBe(HttpStatusCode.OK);
        clawback.Attribute("state").ShouldBe("awaiting-clawback");
        clawback.Attribute("statement_id").ShouldBe(november.ToString());
        clawback.Attribute("clawback_statement_id").ShouldBe(Statement.IdFor(Ambition, 2025, 2026, 1).ToString());
        (await ambition.VoidsAsync(johns, Day(2025, 12, 4))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("participant_declaration_id", "The declaration will or has been refunded"));
        // Awaiting clawback, it no longer blocks a new declaration of the type.
        (await ambition.DeclaresAsync(john, on: Day(2025, 12, 4))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_mentor_in_the_2025_cohort_may_declare_only_started_and_completed()
    {
        var maria = await api.TeacherAsync(TeacherRole.Mentor, true, (Ambition, Day(2025, 9, 1), null));
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.DeclaresAsync(maria, "started", course: "ecf-induction")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("course_identifier", "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again."));
        var started = (await ambition.DeclaresAsync(maria, "started", course: "ecf-mentor")).ShouldBe(HttpStatusCode.OK);
        started.Attribute("course_identifier").ShouldBe("ecf-mentor");
        (await ambition.DeclaresAsync(maria, "retained-1", "2025-09-25T10:00:00Z", course: "ecf-mentor")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("declaration_type", "You cannot send retained or extended declarations for participants who began their mentor training after June 2025. Resubmit this declaration with either a started or completed declaration."));
        (await ambition.DeclaresAsync(maria, "completed", "2025-09-25T10:00:00Z", course: "ecf-mentor", evidence: "training-event-attended"))
            .ShouldBeError(HttpStatusCode.UnprocessableEntity, ("evidence_held", "Enter an available '#/evidence_held' type for this participant."));
        var completed = (await ambition.DeclaresAsync(maria, "completed", "2025-09-25T10:00:00Z", course: "ecf-mentor", evidence: "75-percent-engagement-met"))
            .ShouldBe(HttpStatusCode.OK);
        completed.Attribute("state").ShouldBe("eligible");
        (await ambition.SeesAsync($"&filter[participant_id]={maria}")).ShouldBe([started.Id().ToString(), completed.Id().ToString()]);
    }
}
