using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using RegisterEcts.Access;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

/// <summary>A person using the support console in a browser without JavaScript: cookies, forms and redirects.</summary>
public sealed partial class ConsoleVisitor(HttpClient http)
{
    public static ConsoleVisitor For(ApiWithSchools api) =>
        new(api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> GetAsync(string path)
    {
        var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    /// Posts a form the way the page does: with the antiforgery field the page wrote.
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> SubmitAsync(string pagePath, string action, Dictionary<string, string> fields, bool withAntiforgery = true)
    {
        var page = await GetAsync(pagePath);
        if (withAntiforgery) fields["__RequestVerificationToken"] = Antiforgery().Match(page.Html).Groups[1].Value;
        var response = await http.PostAsync(action, new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    public Task<(HttpStatusCode Status, string Html, Uri? Location)> SignInAsync(string token) =>
        SubmitAsync("/support/sign-in", "/support/sign-in", new() { ["token"] = token });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}

public class when_someone_uses_the_support_console(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<Guid> JaneAsync(string name = "Jane Doe") =>
        (await (await api.SchoolAsync(Valley)).RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: name)).ShouldBe(HttpStatusCode.Created).TeacherId;

    [Theory]
    [InlineData("/support")]
    [InlineData("/support?q=jane")]
    [InlineData("/support/teachers/0193b4a2-0000-7000-8000-000000000001")]
    public async Task every_page_sends_a_visitor_who_has_not_signed_in_to_sign_in(string path)
    {
        var page = await ConsoleVisitor.For(api).GetAsync(path);

        page.Status.ShouldBe(HttpStatusCode.Redirect);
        page.Location!.ToString().ShouldStartWith("http://localhost/support/sign-in");
    }

    [Fact]
    public async Task a_support_token_signs_in_and_returns_to_the_search_page()
    {
        var visitor = ConsoleVisitor.For(api);

        var signedIn = await visitor.SignInAsync(await api.TokenAsync("support"));

        signedIn.Status.ShouldBe(HttpStatusCode.Redirect);
        signedIn.Location!.ToString().ShouldBe("/support");
        var search = await visitor.GetAsync("/support");
        search.Status.ShouldBe(HttpStatusCode.OK);
        search.Html.ShouldContain("Find a teacher");
        search.Html.ShouldContain("/govuk/govuk-frontend.min.css");
    }

    [Theory]
    [InlineData("school:100009", 403)]
    [InlineData("not-a-token", 401)]
    [InlineData("", 401)]
    public async Task anything_but_a_support_token_is_refused_and_signs_nobody_in(string scopeOrToken, int status)
    {
        var visitor = ConsoleVisitor.For(api);
        var token = scopeOrToken.StartsWith("school:", StringComparison.Ordinal) ? await api.TokenAsync(scopeOrToken) : scopeOrToken;

        var refused = await visitor.SignInAsync(token);

        ((int)refused.Status).ShouldBe(status);
        refused.Html.ShouldContain("govuk-error-summary");
        (await visitor.GetAsync("/support")).Status.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task a_sign_in_without_the_form_s_antiforgery_token_is_refused()
    {
        var visitor = ConsoleVisitor.For(api);
        var refused = await visitor.SubmitAsync("/support/sign-in", "/support/sign-in", new() { ["token"] = await api.TokenAsync("support") }, withAntiforgery: false);
        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        (await visitor.GetAsync("/support")).Status.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task signing_out_ends_the_session()
    {
        var visitor = ConsoleVisitor.For(api);
        await visitor.SignInAsync(await api.TokenAsync("support"));

        var signedOut = await visitor.SubmitAsync("/support", "/support/sign-out", []);

        signedOut.Status.ShouldBe(HttpStatusCode.Redirect);
        signedOut.Location!.ToString().ShouldBe("/support/sign-in");
        (await visitor.GetAsync("/support")).Status.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task revoking_the_token_signs_the_user_out()
    {
        var visitor = ConsoleVisitor.For(api);
        var token = await ApiTokens.CreateAsync(api.Store.DataSource, "support", CancellationToken.None);
        (await visitor.SignInAsync(token)).Status.ShouldBe(HttpStatusCode.Redirect);
        (await visitor.GetAsync("/support")).Status.ShouldBe(HttpStatusCode.OK);

        await using (var revoke = api.Store.DataSource.CreateCommand("UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1"))
        {
            revoke.Parameters.Add(new() { Value = ApiTokens.Hash(token) });
            await revoke.ExecuteNonQueryAsync();
        }

        (await visitor.GetAsync("/support")).Status.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task search_links_to_the_teacher_page_with_state_lead_providers_and_timeline()
    {
        await api.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 8, 1));
        var jane = await JaneAsync("Jane Consolefound");
        var visitor = ConsoleVisitor.For(api);
        await visitor.SignInAsync(await api.TokenAsync("support"));

        var results = await visitor.GetAsync("/support?q=Consolefound");
        results.Html.ShouldContain($"href=\"/support/teachers/{jane}\"");

        var page = await visitor.GetAsync($"/support/teachers/{jane}?as_of=2025-10-01");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Html.ShouldContain("Jane Consolefound");
        page.Html.ShouldContain("id=\"timeline\"");
        page.Html.ShouldContain("Jane Consolefound was registered as an ECT");
        page.Html.ShouldContain("api_updated_at");
        page.Html.ShouldContain("data-as-of=\"2025-10-01\"");
    }

    [Fact]
    public async Task every_value_on_the_page_is_encoded()
    {
        var jane = await JaneAsync("Jane <script>alert(1)</script>");
        var visitor = ConsoleVisitor.For(api);
        await visitor.SignInAsync(await api.TokenAsync("support"));

        var page = await visitor.GetAsync($"/support/teachers/{jane}");
        var search = await visitor.GetAsync("/support?q=%3Cscript%3Ealert");

        page.Html.ShouldNotContain("<script>alert(1)</script>");
        page.Html.ShouldContain("Jane &lt;script&gt;alert(1)&lt;/script&gt;");
        search.Html.ShouldNotContain("<script>alert");
        search.Html.ShouldContain($"/support/teachers/{jane}");
    }

    [Fact]
    public async Task a_bad_as_of_date_is_reported_on_the_page()
    {
        var jane = await JaneAsync();
        var visitor = ConsoleVisitor.For(api);
        await visitor.SignInAsync(await api.TokenAsync("support"));

        var page = await visitor.GetAsync($"/support/teachers/{jane}?as_of=31%2F12%2F2025");

        page.Status.ShouldBe(HttpStatusCode.BadRequest);
        page.Html.ShouldContain("as_of must be a date like 2025-09-01");
    }

    [Fact]
    public async Task a_correction_from_the_page_goes_through_the_rules_and_appears_in_the_timeline()
    {
        var jane = await JaneAsync();
        var visitor = ConsoleVisitor.For(api);
        await visitor.SignInAsync(await api.TokenAsync("support"));
        var page = $"/support/teachers/{jane}";

        var broken = await visitor.SubmitAsync(page, $"{page}/corrections/ect-start-date",
            new() { ["school_urn"] = Valley.ToString(), ["started_on"] = "2025-09-10", ["reason"] = "Wrong date", ["support_ticket"] = "ZD-5" });
        broken.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        broken.Html.ShouldContain("govuk-error-summary");

        var done = await visitor.SubmitAsync(page, $"{page}/corrections/ect-start-date",
            new() { ["school_urn"] = Valley.ToString(), ["started_on"] = "2025-08-27", ["reason"] = "Started in the summer", ["support_ticket"] = "ZD-6" });
        done.Status.ShouldBe(HttpStatusCode.Redirect);

        var timeline = await (await api.SupportAsync()).TimelineOfAsync(jane);
        var newest = timeline.Body!.AsArray()[0]!;
        newest["event_type"]!.GetValue<string>().ShouldBe("teacher_ect_start_date_corrected");
        (newest["actor_type"]!.GetValue<string>(), newest["reason"]!.GetValue<string>(), newest["support_ticket"]!.GetValue<string>())
            .ShouldBe(("support", "Started in the summer", "ZD-6"));
        (await visitor.GetAsync(page)).Html.ShouldContain("ZD-6");
    }

    [Fact]
    public async Task a_correction_without_a_reason_writes_nothing()
    {
        var jane = await JaneAsync();
        var visitor = ConsoleVisitor.For(api);
        await visitor.SignInAsync(await api.TokenAsync("support"));
        var page = $"/support/teachers/{jane}";
        var before = await api.EventCountAsync();

        var refused = await visitor.SubmitAsync(page, $"{page}/corrections/leaving-date",
            new() { ["role"] = "ect", ["school_urn"] = Valley.ToString(), ["left_on"] = "2025-12-31", ["reason"] = "", ["support_ticket"] = "ZD-7" });

        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Html.ShouldContain("Enter a reason");
        (await api.EventCountAsync()).ShouldBe(before);
    }
}
