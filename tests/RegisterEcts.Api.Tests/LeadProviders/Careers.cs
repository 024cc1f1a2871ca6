using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// <summary>Careers as lead providers follow them through GET /participants and /participants/transfers.</summary>
public class ect_careers_through_the_v3_api(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    private static DateTimeOffset UpdatedAt(Reply reply) => DateTimeOffset.Parse(reply.Attribute("updated_at"));

    [Fact]
    public async Task an_ect_moving_school_between_providers_is_a_transfer_both_see_and_each_keeps_its_own_participant()
    {
        var (ect, oldSchool, trn) = await api.EctTrainedByAsync(Ambition);
        var newUrn = await api.UrnOfAsync(await api.FreshSchoolAsync());
        await api.PartnershipOnceAsync(newUrn, TeachFirst, 2025, Day(2025, 6, 10));
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        (await ambition.GetAsync($"/api/v3/participants/{ect}/transfers")).ShouldBe(HttpStatusCode.NotFound);

        (await oldSchool.ReportsEctLeavingAsync(ect, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await (await api.SchoolAsync(newUrn)).RegistersEctAsync(trn, Day(2026, 1, 5), on: Day(2026, 1, 5), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);

        foreach (var provider in new[] { ambition, teachFirst })
        {
            var transfer = (await provider.GetAsync($"/api/v3/participants/{ect}/transfers", on: Day(2026, 1, 6))).ShouldBe(HttpStatusCode.OK)
                ["data"]["attributes"]!["transfers"]!.AsArray().Single()!;
            transfer["transfer_type"]!.GetValue<string>().ShouldBe("new_provider");
            transfer["leaving"]!["school_urn"]!.GetValue<string>().ShouldBe(oldSchool.Urn.ToString());
            transfer["leaving"]!["date"]!.GetValue<string>().ShouldBe("2025-12-31");
            transfer["joining"]!["school_urn"]!.GetValue<string>().ShouldBe(newUrn.ToString());
            transfer["joining"]!["date"]!.GetValue<string>().ShouldBe("2026-01-05");
            (await provider.GetAsync("/api/v3/participants/transfers?page[per_page]=3000")).Ids().ShouldContain(ect.ToString());
        }
        (await ambition.GetAsync($"/api/v3/participants/{ect}")).Ect("school_urn").ShouldBe(oldSchool.Urn.ToString());
        (await teachFirst.GetAsync($"/api/v3/participants/{ect}")).Ect("school_urn").ShouldBe(newUrn.ToString());
    }

    [Fact]
    public async Task a_deferred_ect_shows_as_deferred_until_resumed_and_each_step_moves_updated_at()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var registered = (await ambition.GetAsync($"/api/v3/participants/{ect}")).ShouldBe(HttpStatusCode.OK);
        registered.Ect("training_status").ShouldBe("active");

        (await ambition.DefersAsync(ect, "parental-leave", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        var deferred = (await ambition.GetAsync($"/api/v3/participants/{ect}")).ShouldBe(HttpStatusCode.OK);
        deferred.Ect("training_status").ShouldBe("deferred");
        UpdatedAt(deferred).ShouldBeGreaterThan(UpdatedAt(registered));
        (await ambition.GetAsync("/api/v3/participants?filter[training_status]=deferred&page[per_page]=3000")).Ids().ShouldContain(ect.ToString());

        var resumed = (await ambition.ResumesAsync(ect, on: Day(2026, 2, 2))).ShouldBe(HttpStatusCode.OK);
        resumed.Ect("training_status").ShouldBe("active");
        UpdatedAt(resumed).ShouldBeGreaterThan(UpdatedAt(deferred));
        var shown = (await ambition.GetAsync($"/api/v3/participants/{ect}")).ShouldBe(HttpStatusCode.OK);
        shown["data"].ToJsonString().ShouldBe(resumed["data"].ToJsonString());
        (await ambition.GetAsync($"/api/v3/participants?filter[updated_since]={Uri.EscapeDataString(resumed.Attribute("updated_at"))}&page[per_page]=3000"))
            .Ids().ShouldContain(ect.ToString());
        (await ambition.GetAsync("/api/v3/participants?filter[training_status]=deferred&page[per_page]=3000")).Ids().ShouldNotContain(ect.ToString());
    }

    [Fact]
    public async Task a_withdrawn_ect_shows_as_withdrawn_and_can_be_resumed_later()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var before = await ambition.GetAsync($"/api/v3/participants/{ect}");

        (await ambition.WithdrawsAsync(ect, "switched-to-school-led", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        var withdrawn = (await ambition.GetAsync($"/api/v3/participants/{ect}")).ShouldBe(HttpStatusCode.OK);
        withdrawn.Ect("training_status").ShouldBe("withdrawn");
        UpdatedAt(withdrawn).ShouldBeGreaterThan(UpdatedAt(before));
        (await ambition.GetAsync("/api/v3/participants?filter[training_status]=withdrawn&page[per_page]=3000")).Ids().ShouldContain(ect.ToString());
        (await ambition.GetAsync("/api/v3/participants?filter[training_status]=active&page[per_page]=3000")).Ids().ShouldNotContain(ect.ToString());

        (await ambition.ResumesAsync(ect, on: Day(2025, 10, 20))).ShouldBe(HttpStatusCode.OK).Ect("training_status").ShouldBe("active");
    }

    [Fact]
    public async Task a_change_of_schedule_shows_the_new_schedule_and_moves_updated_at()
    {
        var (ect, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var before = await ambition.GetAsync($"/api/v3/participants/{ect}");
        var target = before.Ect("schedule_identifier") == "ecf-extended-september" ? "ecf-standard-september" : "ecf-extended-september";

        var changed = (await ambition.ChangesScheduleAsync(ect, target, cohort: "2025", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        changed.Ect("schedule_identifier").ShouldBe(target);
        changed.Ect("cohort").ShouldBe("2025");
        changed.Ect("training_status").ShouldBe("active");
        UpdatedAt(changed).ShouldBeGreaterThan(UpdatedAt(before));
        var shown = await ambition.GetAsync($"/api/v3/participants/{ect}");
        shown.Ect("schedule_identifier").ShouldBe(target);
        shown.Attribute("updated_at").ShouldBe(changed.Attribute("updated_at"));
        (await ambition.ChangesScheduleAsync(ect, target, on: Day(2025, 10, 2))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("schedule_identifier", "Selected schedule is already on the profile"));
    }
}
