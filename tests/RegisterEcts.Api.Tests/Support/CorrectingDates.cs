using System.Net;
using RegisterEcts.Teachers;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_support_corrects_an_ect_start_date(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_period_starts_on_the_corrected_date_and_the_event_keeps_the_reason_and_ticket()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        var reply = (await (await api.SupportAsync()).CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 10, 1),
            reason: "Started in the summer", ticket: "ZD-9")).ShouldBe(HttpStatusCode.OK);

        reply["ect_at_school_periods"].AsArray().Single()!["started_on"]!.GetValue<string>().ShouldBe("2025-08-27");
        (await valley.PeriodsOfAsync(jane)).Single()["started_on"]!.GetValue<string>().ShouldBe("2025-08-27");
        var corrected = (await api.StreamAsync(jane))[^1];
        corrected.Data.ShouldBeOfType<EctStartDateCorrected>();
        (corrected.Metadata.Actor.Type, corrected.Metadata.Reason, corrected.Metadata.SupportTicket).ShouldBe(("support", "Started in the summer", "ZD-9"));
    }

    [Fact]
    public async Task a_start_after_training_began_breaks_the_period_rule_with_a_422_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        var reply = await (await api.SupportAsync()).CorrectsEctStartDateAsync(jane, Valley, Day(2025, 9, 10), on: Day(2025, 10, 1));

        reply.ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("start_date_after_training_start");
        reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_unknown_school_is_a_404()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await (await api.SupportAsync()).CorrectsEctStartDateAsync(jane, 999999, Day(2025, 8, 27), on: Day(2025, 10, 1)))
            .ShouldBe(HttpStatusCode.NotFound).Code.ShouldBe("school_not_found");
    }
}

public class when_support_corrects_a_leaving_date(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task an_earlier_date_finishes_the_ect_period_and_its_training_on_it()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        var before = (await api.StreamAsync(jane)).Count;

        var reply = (await (await api.SupportAsync()).CorrectsLeavingDateAsync(jane, "ect", Valley, Day(2025, 12, 19), on: Day(2025, 12, 20),
            reason: "Left before the holidays", ticket: "ZD-55")).ShouldBe(HttpStatusCode.OK);

        reply["ect_at_school_periods"].AsArray().Single()!["finished_on"]!.GetValue<string>().ShouldBe("2025-12-19");
        reply.Training("ect").Single()["finished_on"]!.GetValue<string>().ShouldBe("2025-12-19");
        (await valley.PeriodsOfAsync(jane)).Single()["finished_on"]!.GetValue<string>().ShouldBe("2025-12-19");
        var appended = (await api.StreamAsync(jane)).Skip(before).ToList();
        appended.ShouldContain(e => e.Data is LeavingDateCorrected);
        appended.ShouldAllBe(e => e.Metadata.Reason == "Left before the holidays" && e.Metadata.SupportTicket == "ZD-55" && e.Metadata.Actor.Type == "support");
    }

    [Fact]
    public async Task a_mentors_later_date_moves_the_end_of_their_period_at_that_school()
    {
        var valley = await api.SchoolAsync(Valley);
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ReportsMentorLeavingAsync(maria, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);

        var reply = (await (await api.SupportAsync()).CorrectsLeavingDateAsync(maria, "mentor", Valley, Day(2026, 1, 16), on: Day(2025, 12, 20))).ShouldBe(HttpStatusCode.OK);

        reply["mentor_at_school_periods"].AsArray().Single()!["finished_on"]!.GetValue<string>().ShouldBe("2026-01-16");
    }

    [Fact]
    public async Task a_date_before_the_period_started_breaks_the_period_rule_with_a_422_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();

        (await (await api.SupportAsync()).CorrectsLeavingDateAsync(jane, "ect", Valley, Day(2025, 8, 1), on: Day(2025, 12, 20)))
            .ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("date_before_period_start");

        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_teacher_who_has_not_left_has_no_date_to_correct()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await (await api.SupportAsync()).CorrectsLeavingDateAsync(jane, "ect", Valley, Day(2025, 12, 19), on: Day(2025, 12, 20)))
            .ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("no_leaving_date");
    }
}
