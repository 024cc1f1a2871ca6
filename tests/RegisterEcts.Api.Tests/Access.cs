using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_request_has_no_valid_token(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-a-real-token")]
    public async Task every_endpoint_answers_401_with_a_problem(string? token)
    {
        var caller = new Caller(api.CreateClient(), token);
        var before = await api.EventCountAsync();

        var get = await caller.GetAsync($"/api/schools/{Valley}/teachers");
        var post = await caller.PostAsync($"/api/schools/{Valley}/ects", new { Trn = "1234567" }, Day(2025, 9, 1));
        var reference = await caller.GetAsync("/api/reference/lead-providers");

        foreach (var reply in new[] { get, post, reference })
        {
            reply.ShouldBe(HttpStatusCode.Unauthorized);
            reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_token_is_stored_only_as_its_hash()
    {
        var token = await api.TokenAsync("support");
        token.Length.ShouldBeGreaterThanOrEqualTo(43);
        token.ShouldMatch("^[A-Za-z0-9_-]+$");

        await using var cmd = api.Store.DataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE token_hash = sha256(convert_to($1, 'UTF8'))), count(*) FILTER (WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%' OR scope LIKE '%' || $1 || '%') FROM api_tokens");
        cmd.Parameters.Add(new() { Value = token });
        await using var row = await cmd.ExecuteReaderAsync();
        await row.ReadAsync();
        row.GetInt64(0).ShouldBe(1);
        row.GetInt64(1).ShouldBe(0);
    }
}

public class when_a_school_token_is_used_beyond_its_school(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task another_schools_urn_is_forbidden_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var before = await api.EventCountAsync();

        (await valley.Caller.GetAsync($"/api/schools/{Underwood}/teachers")).ShouldBe(HttpStatusCode.Forbidden);
        var post = await new SchoolTutor(valley.Caller, Underwood).RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1));

        post.ShouldBe(HttpStatusCode.Forbidden).Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task another_schools_teacher_is_not_found_through_its_own_urn_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var theirs = (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        (await valley.ReportsEctLeavingAsync(theirs, Day(2025, 12, 19), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.NotFound);
        (await valley.CorrectsNameAsync(theirs, "Someone Else", on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.NotFound);
        (await valley.ChangesEmailAsync(theirs, "x@example.com", on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.NotFound);

        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task the_owning_school_may_change_its_own_teacher()
    {
        var underwood = await api.SchoolAsync(Underwood);
        var ours = (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await underwood.CorrectsNameAsync(ours, "Jane Smith", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK)["name"].GetValue<string>().ShouldBe("Jane Smith");
        (await underwood.ChangesEmailAsync(ours, "jane.smith@example.com", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK)
            ["ect_at_school_periods"].AsArray().Single()!["email"]!.GetValue<string>().ShouldBe("jane.smith@example.com");
        (await underwood.ChangesWorkingPatternAsync(ours, "part_time", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK)
            ["ect_at_school_periods"].AsArray().Single()!["working_pattern"]!.GetValue<string>().ShouldBe("part_time");
        var row = (await underwood.PeriodsOfAsync(ours)).Single();
        row["name"]!.GetValue<string>().ShouldBe("Jane Smith");
        row["email"]!.GetValue<string>().ShouldBe("jane.smith@example.com");
        row["working_pattern"]!.GetValue<string>().ShouldBe("part_time");
    }

    [Fact]
    public async Task a_former_school_still_sees_its_teacher_but_the_new_school_sees_only_its_own_period()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var moved = (await underwood.RegistersEctAsync(trn, Day(2026, 1, 5), on: Day(2026, 1, 5))).ShouldBe(HttpStatusCode.Created);

        moved["ect_at_school_periods"].AsArray().Count.ShouldBe(1);
        (await valley.PeriodsOfAsync(jane)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task tokens_of_other_kinds_are_kept_to_their_own_routes()
    {
        var body = await api.AsAsync($"appropriate-body:{Kingfisher}");
        var valley = await api.SchoolAsync(Valley);
        var admin = await api.AsAsync("admin");

        (await body.GetAsync($"/api/schools/{Valley}/teachers")).ShouldBe(HttpStatusCode.Forbidden);
        (await valley.Caller.PostAsync($"/api/appropriate-bodies/{Kingfisher}/inductions", new { Trn = Trns.Next(), StartedOn = Day(2025, 9, 1), InductionProgramme = "provider_led" },
            Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Forbidden);
        (await admin.GetAsync($"/api/schools/{Underwood}/teachers")).ShouldBe(HttpStatusCode.OK);
    }
}
