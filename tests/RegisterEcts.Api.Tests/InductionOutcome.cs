using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_an_ect_passes_induction(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<(Guid Jane, Guid Maria, string Trn, SchoolTutor School, AppropriateBodyOfficer Body)> ClaimedAsync()
    {
        var valley = await api.SchoolAsync(Valley);
        var body = await api.AppropriateBodyAsync(Kingfisher);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.AssignsMentorAsync(jane, maria, on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.OK);
        (await body.ClaimsAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.OK)["induction_status"].GetValue<string>().ShouldBe("in_progress");
        return (jane, maria, trn, valley, body);
    }

    [Fact]
    public async Task the_school_training_and_mentorship_periods_finish_on_the_day_it_is_recorded()
    {
        var (jane, maria, _, valley, body) = await ClaimedAsync();

        var passed = (await body.RecordsOutcomeAsync(jane, "pass", Day(2026, 7, 17), 3, on: Day(2026, 7, 20))).ShouldBe(HttpStatusCode.OK);

        passed["induction_status"].GetValue<string>().ShouldBe("passed");
        Reply.Date(passed["ect_at_school_periods"].AsArray().Single()!["finished_on"]).ShouldBe("2026-07-20");
        Reply.Date(passed.Training("ect").Single()["finished_on"]).ShouldBe("2026-07-20");
        Reply.Date(passed["mentorships"].AsArray().Single()!["finished_on"]).ShouldBe("2026-07-20");
        Reply.Date((await valley.PeriodsOfAsync(jane)).Single()["finished_on"]).ShouldBe("2026-07-20");
        Reply.Date((await valley.PeriodsOfAsync(maria, "mentors")).Single()["finished_on"]).ShouldBe("open");
    }

    [Fact]
    public async Task a_second_outcome_is_refused()
    {
        var (jane, _, _, _, body) = await ClaimedAsync();
        (await body.RecordsOutcomeAsync(jane, "pass", Day(2026, 7, 17), 3, on: Day(2026, 7, 20))).ShouldBe(HttpStatusCode.OK);

        (await body.RecordsOutcomeAsync(jane, "pass", Day(2026, 7, 17), 3, on: Day(2026, 7, 21))).ShouldBe(HttpStatusCode.UnprocessableEntity)
            .Code.ShouldBe("induction_outcome_already_recorded");
    }

    [Fact]
    public async Task another_appropriate_body_cannot_record_it()
    {
        var (jane, _, _, _, _) = await ClaimedAsync();
        var other = await api.AppropriateBodyAsync(NorthernLights);

        (await other.RecordsOutcomeAsync(jane, "pass", Day(2026, 7, 17), 3, on: Day(2026, 7, 20))).ShouldBe(HttpStatusCode.UnprocessableEntity)
            .Code.ShouldBe("induction_claimed_by_another_body");
        var wrongRoute = await other.Caller().PostAsync($"/api/appropriate-bodies/{Kingfisher}/inductions/{jane}/outcome",
            new { Outcome = "pass", FinishedOn = Day(2026, 7, 17), NumberOfTerms = 3 }, Day(2026, 7, 20));
        wrongRoute.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task release_and_extension_are_recorded()
    {
        var (jane, _, _, _, body) = await ClaimedAsync();

        (await body.ExtendsAsync(jane, 1.5m, on: Day(2026, 3, 1))).ShouldBe(HttpStatusCode.OK);
        var released = (await body.ReleasesAsync(jane, Day(2026, 3, 31), 2, on: Day(2026, 4, 1))).ShouldBe(HttpStatusCode.OK);

        released["induction_status"].GetValue<string>().ShouldBe("paused");
        Reply.Date(released["induction_periods"].AsArray().Single()!["finished_on"]).ShouldBe("2026-03-31");
    }

    [Fact]
    public async Task a_fail_without_the_confirmation_date_is_a_400()
    {
        var (jane, _, _, _, body) = await ClaimedAsync();

        (await body.RecordsOutcomeAsync(jane, "fail", Day(2026, 7, 17), 3, on: Day(2026, 7, 20))).ShouldBe(HttpStatusCode.BadRequest)
            ["errors"]["fail_confirmation_sent_on"].ShouldNotBeNull();
    }

    [Fact]
    public async Task claiming_an_unknown_trn_is_not_found()
    {
        var body = await api.AppropriateBodyAsync(Kingfisher);
        (await body.ClaimsAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.NotFound);
    }
}
