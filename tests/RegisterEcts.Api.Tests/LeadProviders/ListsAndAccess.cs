using System.Net;
using Microsoft.AspNetCore.Hosting;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.LeadProviders.ApiWithLeadProviders;

namespace RegisterEcts.Api.Tests.LeadProviders;

public class the_v3_lists(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    private const string PageError = "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number";

    [Fact]
    public async Task page_numbers_and_the_cursor_walk_the_same_rows_in_order()
    {
        var ucl = await api.LeadProviderAsync(Guid.Parse("080c8aa9-e5ce-5dae-81b2-7e26590392b3"));
        var pennine = Guid.Parse("9921c7d0-2429-5bb0-ada8-5143d91ba27e");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
            created.Add((await ucl.ConfirmsAsync(await api.FreshSchoolAsync(), pennine, "2025")).ShouldBe(HttpStatusCode.OK).Id().ToString());

        var byNumber = new List<string>();
        for (var page = 1; page <= 3; page++)
            byNumber.AddRange((await ucl.GetAsync($"/api/v3/partnerships?page[per_page]=2&page[page]={page}")).ShouldBe(HttpStatusCode.OK).Ids());
        (await ucl.GetAsync("/api/v3/partnerships?page[per_page]=2&page[page]=4")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();

        var byCursor = new List<string>();
        var next = "/api/v3/partnerships?page[per_page]=2";
        while (next is not null)
        {
            var reply = (await ucl.GetAsync(next)).ShouldBe(HttpStatusCode.OK);
            byCursor.AddRange(reply.Ids());
            next = reply.Body!["links"]?["next"]?.GetValue<string>();
        }

        byNumber.ShouldBe(created);
        byCursor.ShouldBe(created);
        var descending = (await ucl.GetAsync("/api/v3/partnerships?sort=-created_at")).ShouldBe(HttpStatusCode.OK).Ids();
        descending.ShouldBe(Enumerable.Reverse(created).ToList());
        var descendingByCursor = new List<string>();
        next = "/api/v3/partnerships?sort=-created_at&page[per_page]=3";
        while (next is not null)
        {
            var reply = (await ucl.GetAsync(next)).ShouldBe(HttpStatusCode.OK);
            descendingByCursor.AddRange(reply.Ids());
            next = reply.Body!["links"]?["next"]?.GetValue<string>();
        }
        descendingByCursor.ShouldBe(descending);
    }

    [Theory]
    [InlineData("page[page]=0")]
    [InlineData("page[per_page]=-1")]
    [InlineData("page[page]=two")]
    [InlineData("page[per_page]=1.5")]
    public async Task bad_page_values_are_the_v3_400(string query)
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.GetAsync($"/api/v3/partnerships?{query}")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad request", PageError));
        (await ambition.GetAsync($"/api/v3/delivery-partners?{query}")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad request", PageError));
    }

    [Fact]
    public async Task a_huge_per_page_is_clamped_not_refused()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.GetAsync("/api/v3/partnerships?page[per_page]=100000")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task filters_must_be_a_hash_and_updated_since_must_be_iso_8601()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.GetAsync("/api/v3/partnerships?filter=2025")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad parameter", "Filter must be a hash"));
        (await ambition.GetAsync("/api/v3/schools?filter=2025")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad parameter", "Filter must be a hash"));
        (await ambition.GetAsync("/api/v3/partnerships?filter[updated_since]=yesterday")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The filter '#/updated_since' must be a valid ISO 8601 date"));
        (await ambition.GetAsync("/api/v3/partnerships?filter[updated_since]=2025-01-01")).ShouldBe(HttpStatusCode.OK);
        (await ambition.GetAsync("/api/v3/partnerships?filter[updated_since]=2025-01-01T10:00:00%252B01:00")).ShouldBe(HttpStatusCode.OK);
        (await ambition.GetAsync("/api/v3/partnerships?filter[updated_since]=2999-01-01T00:00:00Z")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await ambition.GetAsync("/api/v3/partnerships?page[cursor]=garbage")).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_cohort_filter_without_a_single_year_matches_nothing()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.ConfirmsAsync(await api.FreshSchoolAsync(), Mercia, "2025")).ShouldBe(HttpStatusCode.OK);
        (await ambition.GetAsync("/api/v3/partnerships?filter[cohort]=abc")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await ambition.GetAsync("/api/v3/partnerships?filter[cohort]=2024")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await ambition.GetAsync("/api/v3/partnerships?filter[cohort]=2024,2025")).ShouldBe(HttpStatusCode.OK).Ids().ShouldNotBeEmpty();
    }
}

public class the_v3_schools(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    [Fact]
    public async Task need_a_cohort()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.GetAsync("/api/v3/schools")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad parameter", "The filter '#/cohort' must be included in your request"));
        (await ambition.GetAsync($"/api/v3/schools/{await api.FreshSchoolAsync()}")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad parameter", "The filter '#/cohort' must be included in your request"));
        (await ambition.GetAsync("/api/v3/schools?filter[cohort]=1999")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await ambition.GetAsync($"/api/v3/schools/{await api.FreshSchoolAsync()}?filter[cohort]=1999")).ShouldBeError(HttpStatusCode.NotFound,
            ("Resource not found", "Nothing could be found for the provided details"));
    }

    [Fact]
    public async Task show_eligible_schools_and_who_is_in_partnership_with_them_per_cohort_and_provider()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var school = await api.FreshSchoolAsync();
        var urn = await api.UrnOfAsync(school);

        var before = (await ambition.GetAsync($"/api/v3/schools/{school}?filter[cohort]=2025")).ShouldBe(HttpStatusCode.OK);
        before.Data()["type"]!.GetValue<string>().ShouldBe("school");
        before.Attribute("urn").ShouldBe(urn.ToString());
        before.Attribute("cohort").ShouldBe("2025");
        before.Attribute("in_partnership").ShouldBe("false");
        before.Attribute("expression_of_interest").ShouldBe("false");
        before.Attribute("induction_programme_choice").ShouldBe("not_yet_known");

        (await ambition.ConfirmsAsync(school, Mercia, "2025")).ShouldBe(HttpStatusCode.OK);

        var ours = (await ambition.GetAsync($"/api/v3/schools?filter[cohort]=2025&filter[urn]={urn}")).ShouldBe(HttpStatusCode.OK);
        ours.Ids().ShouldBe([school.ToString()]);
        ours["data"][0]!["attributes"]!["expression_of_interest"]!.GetValue<bool>().ShouldBeTrue();
        ours["data"][0]!["attributes"]!["in_partnership"]!.GetValue<bool>().ShouldBeTrue();
        DateTimeOffset.Parse(ours["data"][0]!["attributes"]!["updated_at"]!.GetValue<string>()).ShouldBeGreaterThan(DateTimeOffset.Parse(before.Attribute("updated_at")));
        var theirs = (await teachFirst.GetAsync($"/api/v3/schools/{school}?filter[cohort]=2025")).ShouldBe(HttpStatusCode.OK);
        theirs.Attribute("expression_of_interest").ShouldBe("false");
        theirs.Attribute("in_partnership").ShouldBe("true");
        (await ambition.GetAsync($"/api/v3/schools/{school}?filter[cohort]=2024")).ShouldBe(HttpStatusCode.OK).Attribute("in_partnership").ShouldBe("false");
    }

    [Fact]
    public async Task show_an_expression_of_interest_and_the_programme_the_school_chose()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var chosen = await api.FreshSchoolAsync();
        var before = (await teachFirst.GetAsync($"/api/v3/schools/{chosen}?filter[cohort]=2025")).ShouldBe(HttpStatusCode.OK);
        var tutor = await api.SchoolAsync(await api.UrnOfAsync(chosen));

        (await tutor.RegistersEctAsync(Trns.Next(), On.Day(2025, 9, 1), on: On.Day(2025, 9, 1), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);

        var theirs = (await teachFirst.GetAsync($"/api/v3/schools/{chosen}?filter[cohort]=2025")).ShouldBe(HttpStatusCode.OK);
        theirs.Attribute("expression_of_interest").ShouldBe("true");
        theirs.Attribute("in_partnership").ShouldBe("false");
        theirs.Attribute("induction_programme_choice").ShouldBe("provider_led");
        DateTimeOffset.Parse(theirs.Attribute("updated_at")).ShouldBeGreaterThan(DateTimeOffset.Parse(before.Attribute("updated_at")));
        (await ambition.GetAsync($"/api/v3/schools/{chosen}?filter[cohort]=2025")).Attribute("expression_of_interest").ShouldBe("false");

        var schoolLed = await api.FreshSchoolAsync();
        var other = await api.SchoolAsync(await api.UrnOfAsync(schoolLed));
        (await other.RegistersEctAsync(Trns.Next(), On.Day(2025, 9, 1), on: On.Day(2025, 9, 1), programme: "school_led")).ShouldBe(HttpStatusCode.Created);
        (await ambition.GetAsync($"/api/v3/schools/{schoolLed}?filter[cohort]=2025")).Attribute("induction_programme_choice").ShouldBe("school_led");
    }

    [Fact]
    public async Task leave_out_ineligible_schools_that_nobody_partners()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var ineligible = await api.IneligibleSchoolAsync();
        (await ambition.GetAsync($"/api/v3/schools/{ineligible}?filter[cohort]=2025")).ShouldBe(HttpStatusCode.NotFound);
        (await ambition.GetAsync($"/api/v3/schools?filter[cohort]=2025&filter[urn]={await api.UrnOfAsync(ineligible)}")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await ambition.GetAsync("/api/v3/schools/not-an-id?filter[cohort]=2025")).ShouldBe(HttpStatusCode.NotFound);
    }
}

public class the_v3_delivery_partners(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    [Fact]
    public async Task are_those_the_provider_works_with_and_the_years_it_does()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var all = (await ambition.GetAsync("/api/v3/delivery-partners")).ShouldBe(HttpStatusCode.OK);
        all.Ids().ShouldContain(Mercia.ToString());
        all.Ids().ShouldNotContain(Humber.ToString()); // only ever Teach First's, NIoT's, UCL's and EDT's

        var mercia = (await ambition.GetAsync($"/api/v3/delivery-partners/{Mercia}")).ShouldBe(HttpStatusCode.OK);
        mercia.Data()["type"]!.GetValue<string>().ShouldBe("delivery-partner");
        mercia.Attribute("name").ShouldBe("Mercia Teaching Partnership");
        mercia.Data()["attributes"]!["cohort"]!.AsArray().Select(y => y!.GetValue<string>()).ShouldBe(["2021", "2023", "2024", "2025"]);

        (await ambition.GetAsync($"/api/v3/delivery-partners/{Humber}")).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        (await teachFirst.GetAsync($"/api/v3/delivery-partners/{Humber}")).ShouldBe(HttpStatusCode.OK);
        (await teachFirst.GetAsync($"/api/v3/delivery-partners/{Mercia}")).ShouldBe(HttpStatusCode.NotFound);

        (await ambition.GetAsync("/api/v3/delivery-partners?filter[cohort]=2026")).ShouldBe(HttpStatusCode.OK).Ids().ShouldNotContain(Mercia.ToString());
        (await ambition.GetAsync("/api/v3/delivery-partners?filter[cohort]=2026")).Ids().ShouldContain(Chiltern.ToString());
    }
}

public class the_v3_api_access(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    [Theory]
    [InlineData("/api/v3/partnerships")]
    [InlineData("/api/v3/schools?filter[cohort]=2025")]
    [InlineData("/api/v3/delivery-partners")]
    public async Task needs_a_lead_provider_token(string path)
    {
        var anonymous = new LeadProviderClient(api.CreateClient(), null);
        var wrong = new LeadProviderClient(api.CreateClient(), "not-a-token");
        var school = new LeadProviderClient(api.CreateClient(), await api.TokenAsync($"school:{Valley}"));
        foreach (var caller in new[] { anonymous, wrong, school })
        {
            var reply = (await caller.GetAsync(path)).ShouldBe(HttpStatusCode.Unauthorized);
            reply.Body!.ToJsonString().ShouldBe("""{"error":"HTTP Token: Access denied"}""");
        }
    }

    [Fact]
    public async Task unknown_routes_under_v3_are_the_v3_404()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.GetAsync("/api/v3/nothing-here")).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));
    }

    [Fact]
    public async Task publishes_its_own_openapi_document_and_swagger_ui()
    {
        var http = api.CreateClient();
        var document = await http.GetStringAsync("/api/v3/openapi.json");
        document.ShouldContain("/api/v3/partnerships/{id}");
        document.ShouldContain("/api/v3/delivery-partners");
        document.ShouldNotContain("/api/schools/{urn}/ects\"");
        (await http.GetStringAsync("/openapi/v1.json")).ShouldNotContain("/api/v3/partnerships");
        (await http.GetAsync("/api/docs/index.html")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

/// <summary>The API with a rate limit of three requests a minute, so the limit is reached quickly.</summary>
public class ApiWithSmallRateLimit : ApiWithLeadProviders
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RegisterEcts:LeadProviderApi:RateLimit", "3");
        builder.UseSetting("RegisterEcts:LeadProviderApi:RateLimitWindow", "00:01:00");
    }
}

public class the_v3_rate_limit(ApiWithSmallRateLimit api) : IClassFixture<ApiWithSmallRateLimit>
{
    [Fact]
    public async Task refuses_a_token_over_its_limit_with_the_v3_429_and_leaves_other_tokens_alone()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        for (var i = 0; i < 3; i++) (await ambition.GetAsync("/api/v3/delivery-partners")).ShouldBe(HttpStatusCode.OK);

        var refused = (await ambition.GetAsync("/api/v3/delivery-partners")).ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Errors().Single().Title.ShouldBe("Too many requests");
        refused.Response.Headers.RetryAfter.ShouldNotBeNull();

        (await (await api.LeadProviderAsync(TeachFirst)).GetAsync("/api/v3/delivery-partners")).ShouldBe(HttpStatusCode.OK);
    }
}
