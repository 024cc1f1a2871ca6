using System.Net;
using RegisterEcts.Statements;

namespace RegisterEcts.Api.Tests.LeadProviders;

public class the_v3_statements(ApiWithDeclarations api) : IClassFixture<ApiWithDeclarations>
{
    private static readonly (string, string) NotFound = ("Resource not found", "Nothing could be found for the provided details");
    private static readonly Guid Ambition = ApiWithSchools.Ambition;
    private static readonly Guid TeachFirst = ApiWithSchools.TeachFirst;

    [Fact]
    public async Task a_provider_lists_its_output_statements_by_payment_date()
    {
        var ambition = await api.LeadProviderAsync(Ambition);

        var listed = (await ambition.GetAsync("/api/v3/statements?filter[cohort]=2025&sort=-payment_date&page[per_page]=3000")).ShouldBe(HttpStatusCode.OK);

        var statements = listed["data"].AsArray().Select(d => d!).ToList();
        // September 2025 to August 2028, output months only: November, January, April and August.
        statements.Count.ShouldBe(12);
        statements.Select(s => s["attributes"]!["month"]!.GetValue<string>()).Distinct().Order().ShouldBe(["April", "August", "January", "November"]);
        statements.Select(s => s["attributes"]!["payment_date"]!.GetValue<string>()).ShouldBeInOrder();
        statements.ShouldAllBe(s => s["type"]!.GetValue<string>() == "statement" && s["attributes"]!["cohort"]!.GetValue<string>() == "2025");
        var first = statements[0];
        first["id"]!.GetValue<string>().ShouldBe(Statement.IdFor(Ambition, 2025, 2025, 11).ToString());
        var a = first["attributes"]!;
        a["year"]!.GetValue<string>().ShouldBe("2025");
        a["cut_off_date"]!.GetValue<string>().ShouldBe("2025-11-30");
        a["payment_date"]!.GetValue<string>().ShouldBe("2025-12-25");
        a["paid"]!.GetValue<bool>().ShouldBeFalse();
        a["updated_at"]!.GetValue<string>().ShouldEndWith("Z");

        (await ambition.GetAsync("/api/v3/statements?filter[cohort]=2024,2025&page[per_page]=3000")).Ids().Count.ShouldBeGreaterThan(12);
        (await ambition.GetAsync("/api/v3/statements?filter[cohort]=abc")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await ambition.GetAsync("/api/v3/statements?filter[cohort]=2025&filter[updated_since]=2999-01-01")).Ids().ShouldBeEmpty();
        (await ambition.GetAsync("/api/v3/statements?filter[cohort]=2025&filter[updated_since]=2020-01-01&page[per_page]=3000")).Ids().Count.ShouldBe(12);
    }

    [Fact]
    public async Task a_provider_pages_through_its_statements_with_the_next_link()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var all = (await ambition.GetAsync("/api/v3/statements?filter[cohort]=2025&page[per_page]=3000")).Ids();
        var seen = new List<string>();
        string? next = "/api/v3/statements?filter[cohort]=2025&page[per_page]=5";
        while (next is not null)
        {
            var page = (await ambition.GetAsync(next)).ShouldBe(HttpStatusCode.OK);
            seen.AddRange(page.Ids());
            next = page.Body!["links"]?["next"]?.GetValue<string>();
        }
        seen.ShouldBe(all);
        (await ambition.GetAsync("/api/v3/statements?filter[cohort]=2025&page[per_page]=5&page[page]=3")).Ids().ShouldBe(all.Skip(10));
    }

    [Fact]
    public async Task a_provider_sees_one_of_its_output_statements_and_gets_404_for_others_and_for_service_statements()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var january = Statement.IdFor(Ambition, 2025, 2026, 1);

        var shown = (await ambition.GetAsync($"/api/v3/statements/{january}")).ShouldBe(HttpStatusCode.OK);
        shown.Id().ShouldBe(january);
        shown.Attribute("month").ShouldBe("January");
        shown.Attribute("year").ShouldBe("2026");

        (await teachFirst.GetAsync($"/api/v3/statements/{january}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.GetAsync($"/api/v3/statements/{Statement.IdFor(TeachFirst, 2025, 2026, 1)}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.GetAsync($"/api/v3/statements/{Statement.IdFor(Ambition, 2025, 2025, 12)}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await ambition.GetAsync("/api/v3/statements/not-an-id")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.GetAsync("/api/v3/statements?filter[cohort]=2025&page[per_page]=3000")).Ids().ShouldNotContain(january.ToString());
        (await ambition.GetAsync("/api/v3/statements?filter[updated_since]=yesterday")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The filter '#/updated_since' must be a valid ISO 8601 date"));
        (await ambition.GetAsync("/api/v3/statements?filter=2025")).ShouldBeError(HttpStatusCode.BadRequest, ("Bad parameter", "Filter must be a hash"));
    }
}
