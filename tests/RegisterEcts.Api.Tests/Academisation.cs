using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_school_becomes_an_academy_with_a_new_urn(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly Dictionary<string, (Guid Jane, int EventsFirst, int EventsAgain)> Done = [];

    /// The ECT is registered under the old URN, then GIAS reports the academy as its successor.
    private async Task<(Guid Jane, int EventsFirst, int EventsAgain)> StoryAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (Done.TryGetValue(api.Schema, out var done)) return done;
            var oakfield = await api.SchoolAsync(Oakfield);
            var jane = (await oakfield.RegistersEctAsync(Trns.Next(), Day(2025, 7, 1), on: Day(2025, 7, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
            var first = await api.ImportSampleGiasAsync(Day(2025, 9, 1));
            var again = await api.ImportSampleGiasAsync(Day(2025, 9, 1));
            return Done[api.Schema] = (jane, first.EventsWritten, again.EventsWritten);
        }
        finally
        {
            Once.Release();
        }
    }

    [Fact]
    public async Task the_ects_period_is_kept_under_the_new_urn()
    {
        var (jane, _, _) = await StoryAsync();
        var academy = await api.SchoolAsync(OakfieldAcademy);

        var teachers = await academy.TeachersAsync(Day(2025, 9, 2));

        teachers["urn"].GetValue<int>().ShouldBe(OakfieldAcademy);
        var period = (await academy.PeriodsOfAsync(jane)).Single();
        period["started_on"]!.GetValue<string>().ShouldBe("2025-07-01");
        Reply.Date(period["finished_on"]).ShouldBe("open");
    }

    [Fact]
    public async Task the_academy_can_report_the_ect_leaving()
    {
        var (jane, _, _) = await StoryAsync();
        var academy = await api.SchoolAsync(OakfieldAcademy);

        (await academy.ReportsEctLeavingAsync(jane, Day(2025, 12, 19), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task the_old_urn_still_finds_the_school()
    {
        var (jane, _, _) = await StoryAsync();
        var oldToken = await api.SchoolAsync(Oakfield);

        var teachers = await oldToken.Caller.GetAsync($"/api/schools/{Oakfield}/teachers");

        teachers.ShouldBe(HttpStatusCode.OK)["urn"].GetValue<int>().ShouldBe(OakfieldAcademy);
        teachers["ects"].AsArray().ShouldContain(p => p!["teacher_id"]!.GetValue<string>() == jane.ToString());
    }

    [Fact]
    public async Task importing_the_same_gias_files_again_writes_nothing()
    {
        var (_, first, again) = await StoryAsync();

        first.ShouldBeGreaterThan(0);
        again.ShouldBe(0);
    }

    [Fact]
    public async Task the_schools_reference_list_shows_the_academy_with_its_previous_urn()
    {
        await StoryAsync();
        var admin = await api.AsAsync("admin");

        var schools = (await admin.GetAsync($"/api/reference/schools?after_urn={OakfieldAcademy - 1}&limit=1")).ShouldBe(HttpStatusCode.OK);

        var academy = schools.Body!.AsArray().Single()!;
        academy["urn"]!.GetValue<int>().ShouldBe(OakfieldAcademy);
        academy["previous_urns"]!.AsArray().Select(u => u!.GetValue<int>()).ShouldBe([Oakfield]);
    }
}
