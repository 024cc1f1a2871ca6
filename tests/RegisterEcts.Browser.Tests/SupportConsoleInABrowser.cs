using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using RegisterEcts.Api.Tests;
using RegisterEcts.Schools.SchoolDirectory;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Browser.Tests;

public class when_a_support_user_works_in_the_console(ConsoleInBrowser console) : IClassFixture<ConsoleInBrowser>
{
    private async Task<string> SchoolNameAsync(int urn) =>
        (await SchoolDirectoryProjection.FindByUrnAsync(console.Store.DataSource, urn, CancellationToken.None))!.Name;

    [Fact]
    public async Task they_sign_in_search_open_a_teacher_and_see_the_state_change_with_the_as_of_date()
    {
        // Jane starts at Valley in September; in February both schools report her January move to Underwood.
        var valleyName = await SchoolNameAsync(Valley);
        var underwoodName = await SchoolNameAsync(Underwood);
        await console.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 8, 1));
        await console.PartnershipOnceAsync(Underwood, TeachFirst, 2025, Day(2025, 8, 1));
        var valley = await console.SchoolAsync(Valley);
        var underwood = await console.SchoolAsync(Underwood);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Browserly")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var support = await console.SupportAsync();
        var beforeTheReport = (await support.Caller.GetAsync($"/api/support/teachers/{jane}/timeline")).Body!.AsArray()[0]!["recorded_at"]!.GetValue<string>();
        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 31), on: Day(2026, 2, 10))).ShouldBe(HttpStatusCode.OK);
        (await underwood.RegistersEctAsync(trn, Day(2026, 1, 5), on: Day(2026, 2, 10), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);

        var page = await console.Browser.NewPageAsync();

        await page.GotoAsync("/support");
        page.Url.ShouldContain("/support/sign-in");
        await console.ScreenshotAsync(page, "01-sign-in");
        await page.GetByLabel("Support token").FillAsync(await console.TokenAsync("support"));
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync("**/support");

        await page.GetByLabel("TRN, name, email or school URN").FillAsync("Browserly");
        await page.ClickAsync("#search");
        await page.WaitForSelectorAsync("#results");
        await console.ScreenshotAsync(page, "02-search");
        await page.ClickAsync("text=Jane Browserly");
        await page.WaitForURLAsync($"**/support/teachers/{jane}");
        (await page.TextContentAsync("#teacher-name"))!.Trim().ShouldBe("Jane Browserly");
        (await page.TextContentAsync("#timeline"))!.ShouldContain($"Jane Browserly left {valleyName}");

        await ShowStateAsync(page, asOf: "2025-10-01");
        var autumn = (await page.TextContentAsync("#statuses"))!;
        autumn.ShouldContain(valleyName);
        autumn.ShouldNotContain(underwoodName);
        await console.ScreenshotAsync(page, "03-as-of-october");

        await ShowStateAsync(page, asOf: "2026-01-20");
        var january = (await page.TextContentAsync("#statuses"))!;
        january.ShouldContain(underwoodName);
        january.ShouldNotContain(valleyName);
        await console.ScreenshotAsync(page, "04-as-of-january");

        // What we knew before the schools reported the move: still at Valley in January.
        await ShowStateAsync(page, asOf: "2026-01-20", knownAt: beforeTheReport);
        var knownThen = (await page.TextContentAsync("#statuses"))!;
        knownThen.ShouldContain(valleyName);
        knownThen.ShouldNotContain(underwoodName);
        await console.ScreenshotAsync(page, "05-as-of-january-as-known-before-the-report");

        await page.GetByLabel("From (recorded time, UTC)").FillAsync(beforeTheReport);
        await page.ClickAsync("#show-changes");
        await page.WaitForSelectorAsync("#changes");
        (await page.TextContentAsync("#changes"))!.ShouldContain("ect_at_school_periods[1].finished_on");
        (await page.TextContentAsync("#lead-provider-views"))!.ShouldContain("api_updated_at");
        await console.ScreenshotAsync(page, "06-changes");

        await page.ClickAsync("#sign-out");
        await page.WaitForURLAsync("**/support/sign-in");
        await page.GotoAsync($"/support/teachers/{jane}");
        page.Url.ShouldContain("/support/sign-in");
        await page.CloseAsync();
    }

    private static async Task ShowStateAsync(IPage page, string asOf, string knownAt = "")
    {
        await page.GetByLabel("As of (date)").FillAsync(asOf);
        await page.GetByLabel("As known at (recorded time, UTC)").FillAsync(knownAt);
        await page.ClickAsync("#show-state");
        await page.WaitForSelectorAsync($"#state[data-as-of='{asOf}']");
    }
}
