using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.LeadProviders;

public class the_v3_participant_transfers(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    private static readonly (string, string) NotFound = ("Resource not found", "Nothing could be found for the provided details");
    private static readonly Guid Ucl = Guid.Parse("080c8aa9-e5ce-5dae-81b2-7e26590392b3");

    /// An ECT who leaves a school partnered with one provider at Christmas and joins one partnered with another in January.
    private async Task<Guid> MoverAsync(Guid from, Guid to)
    {
        var (ect, leaving, trn) = await api.EctTrainedByAsync(from);
        var joiningUrn = await api.UrnOfAsync(await api.FreshSchoolAsync());
        await api.PartnershipOnceAsync(joiningUrn, to, 2025, Day(2025, 6, 10));
        (await leaving.ReportsEctLeavingAsync(ect, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await (await api.SchoolAsync(joiningUrn)).RegistersEctAsync(trn, Day(2026, 1, 5), on: Day(2026, 1, 5), leadProvider: to)).ShouldBe(HttpStatusCode.Created);
        return ect;
    }

    [Fact]
    public async Task both_providers_see_the_transfer_and_a_third_gets_404()
    {
        var ect = await MoverAsync(Ambition, TeachFirst);

        foreach (var provider in new[] { Ambition, TeachFirst })
        {
            var client = await api.LeadProviderAsync(provider);
            var shown = (await client.GetAsync($"/api/v3/participants/{ect}/transfers")).ShouldBe(HttpStatusCode.OK);
            shown["data"]["type"]!.GetValue<string>().ShouldBe("participant-transfer");
            shown.Id().ShouldBe(ect);
            shown.Attribute("updated_at").ShouldEndWith("Z");
            var transfer = shown["data"]["attributes"]!["transfers"]!.AsArray().Single()!;
            transfer["transfer_type"]!.GetValue<string>().ShouldBe("new_provider");
            transfer["status"]!.GetValue<string>().ShouldBe("complete");
            transfer["leaving"]!["provider"]!.GetValue<string>().ShouldBe("Ambition Institute");
            transfer["joining"]!["provider"]!.GetValue<string>().ShouldBe("Teach First");
            (await client.GetAsync("/api/v3/participants/transfers?page[per_page]=3000")).ShouldBe(HttpStatusCode.OK).Ids().ShouldContain(ect.ToString());
        }

        var ucl = await api.LeadProviderAsync(Ucl);
        (await ucl.GetAsync($"/api/v3/participants/{ect}/transfers")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ucl.GetAsync("/api/v3/participants/transfers?page[per_page]=3000")).ShouldBe(HttpStatusCode.OK).Ids().ShouldNotContain(ect.ToString());
    }

    [Fact]
    public async Task a_teacher_without_a_transfer_or_an_unknown_id_is_404()
    {
        var (stayer, _, _) = await api.EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);

        (await ambition.GetAsync($"/api/v3/participants/{stayer}")).ShouldBe(HttpStatusCode.OK);
        (await ambition.GetAsync($"/api/v3/participants/{stayer}/transfers")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.GetAsync($"/api/v3/participants/{Guid.NewGuid()}/transfers")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.GetAsync("/api/v3/participants/not-an-id/transfers")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.GetAsync("/api/v3/participants/transfers?page[per_page]=3000")).Ids().ShouldNotContain(stayer.ToString());
    }

    [Fact]
    public async Task the_list_filters_by_updated_since_sorts_and_pages()
    {
        var first = await MoverAsync(Ucl, TeachFirst);
        var second = await MoverAsync(Ucl, Ambition);
        var ucl = await api.LeadProviderAsync(Ucl);

        var all = (await ucl.GetAsync("/api/v3/participants/transfers?sort=updated_at")).ShouldBe(HttpStatusCode.OK);
        all.Ids().ShouldBe([first.ToString(), second.ToString()]);
        (await ucl.GetAsync("/api/v3/participants/transfers?sort=-updated_at")).Ids().ShouldBe([second.ToString(), first.ToString()]);
        (await ucl.GetAsync("/api/v3/participants/transfers?sort=-created_at")).Ids().ShouldBe([second.ToString(), first.ToString()]);

        var secondAt = (await ucl.GetAsync($"/api/v3/participants/{second}/transfers")).Attribute("updated_at");
        (await ucl.GetAsync($"/api/v3/participants/transfers?filter[updated_since]={Uri.EscapeDataString(secondAt)}")).Ids().ShouldBe([second.ToString()]);
        var later = DateTimeOffset.Parse(secondAt).AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        (await ucl.GetAsync($"/api/v3/participants/transfers?filter[updated_since]={later}")).Ids().ShouldBeEmpty();

        var page1 = (await ucl.GetAsync("/api/v3/participants/transfers?page[per_page]=1")).ShouldBe(HttpStatusCode.OK);
        page1.Ids().ShouldBe([first.ToString()]);
        (await ucl.GetAsync("/api/v3/participants/transfers?page[per_page]=1&page[page]=2")).Ids().ShouldBe([second.ToString()]);
        (await ucl.GetAsync("/api/v3/participants/transfers?page[per_page]=1&page[page]=3")).Ids().ShouldBeEmpty();
        var next = page1["links"]["next"]!.GetValue<string>();
        (await ucl.GetAsync(next)).Ids().ShouldBe([second.ToString()]);

        (await ucl.GetAsync("/api/v3/participants/transfers?filter[updated_since]=soon")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The filter '#/updated_since' must be a valid ISO 8601 date"));
        (await ucl.GetAsync("/api/v3/participants/transfers?page[per_page]=-1")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number"));
        (await ucl.GetAsync("/api/v3/participants/transfers?filter=x")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad parameter", "Filter must be a hash"));
    }
}
