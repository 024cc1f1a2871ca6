using System.Net;
using System.Text.Json.Nodes;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

/// <summary>Support's read side, in the words of the service.</summary>
public static class HistoryReading
{
    public static Task<Reply> FindsAsync(this SupportAgent support, string q) =>
        support.Caller.GetAsync($"/api/support/teachers?q={Uri.EscapeDataString(q)}");

    public static Task<Reply> TimelineOfAsync(this SupportAgent support, Guid teacher) =>
        support.Caller.GetAsync($"/api/support/teachers/{teacher}/timeline");

    public static Task<Reply> StateOfAsync(this SupportAgent support, Guid teacher, DateOnly? asOf = null, string? knownAt = null) =>
        support.Caller.GetAsync($"/api/support/teachers/{teacher}/state?{Query(("as_of", asOf?.ToString("yyyy-MM-dd")), ("known_at", knownAt))}");

    public static Task<Reply> ChangesOfAsync(this SupportAgent support, Guid teacher, string? from, string? to = null) =>
        support.Caller.GetAsync($"/api/support/teachers/{teacher}/changes?{Query(("from", from), ("to", to))}");

    private static string Query(params (string Key, string? Value)[] parts) =>
        string.Join('&', parts.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));

    /// The recorded time of the newest timeline entry: "as known just after that".
    public static async Task<string> LastRecordedAtAsync(this SupportAgent support, Guid teacher) =>
        (await support.TimelineOfAsync(teacher)).ShouldBe(HttpStatusCode.OK).Body!.AsArray()[0]!["recorded_at"]!.GetValue<string>();

    public static JsonNode Ect(this Reply state) => state["ect"];
}

public class when_support_searches_for_a_teacher(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<(Guid Id, string Trn, string Name, string Email)> RegisteredAsync()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        var name = $"Priya Searchable{trn}";
        var id = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), name: name)).ShouldBe(HttpStatusCode.Created).TeacherId;
        var email = $"priya.{trn}@example.com";
        (await valley.ChangesEmailAsync(id, email, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        return (id, trn, name, email);
    }

    private static IReadOnlyList<string> Ids(Reply reply) => reply.Body!.AsArray().Select(t => t!["teacher_id"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task the_trn_a_part_of_the_name_the_email_or_the_school_urn_each_find_them()
    {
        var (id, trn, name, email) = await RegisteredAsync();
        var support = await api.SupportAsync();

        Ids((await support.FindsAsync(trn)).ShouldBe(HttpStatusCode.OK)).ShouldBe([id.ToString()]);
        Ids((await support.FindsAsync(name[6..].ToUpperInvariant())).ShouldBe(HttpStatusCode.OK)).ShouldBe([id.ToString()]);
        Ids((await support.FindsAsync(email)).ShouldBe(HttpStatusCode.OK)).ShouldBe([id.ToString()]);
        Ids((await support.FindsAsync(Valley.ToString())).ShouldBe(HttpStatusCode.OK)).ShouldContain(id.ToString());
    }

    [Fact]
    public async Task a_match_lists_the_schools_the_teacher_is_or_was_at()
    {
        var (_, trn, _, _) = await RegisteredAsync();
        var match = (await (await api.SupportAsync()).FindsAsync(trn)).ShouldBe(HttpStatusCode.OK).Body!.AsArray().Single()!;

        var school = match["schools"]!.AsArray().Single()!;
        school["urn"]!.GetValue<int>().ShouldBe(Valley);
        school["role"]!.GetValue<string>().ShouldBe("ect");
        school["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
    }

    [Fact]
    public async Task a_school_urn_finds_nobody_who_was_never_there()
    {
        var (id, _, _, _) = await RegisteredAsync();
        Ids((await (await api.SupportAsync()).FindsAsync(Underwood.ToString())).ShouldBe(HttpStatusCode.OK)).ShouldNotContain(id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    public async Task a_missing_or_one_letter_query_is_a_400_problem(string q)
    {
        var reply = (await (await api.SupportAsync()).FindsAsync(q)).ShouldBe(HttpStatusCode.BadRequest);
        reply["errors"]["q"].ShouldNotBeNull();
        reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task percent_and_underscore_are_matched_literally()
    {
        await RegisteredAsync();
        (await (await api.SupportAsync()).FindsAsync("%%")).ShouldBe(HttpStatusCode.OK).Body!.AsArray().ShouldBeEmpty();
    }
}

public class when_a_transfer_is_reported_late(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    // Jane starts at Valley in September. In February both schools report that she moved to Underwood in January.
    private async Task<(Guid Jane, string KnownBeforeTheReport, SupportAgent Support)> StoryAsync()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var support = await api.SupportAsync();
        // Confirmed partnerships, so each lead provider sees her (an expression of interest alone shows nothing).
        await api.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 8, 1));
        await api.PartnershipOnceAsync(Underwood, TeachFirst, 2025, Day(2025, 8, 1));
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await support.LastRecordedAtAsync(jane);

        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 31), on: Day(2026, 2, 10))).ShouldBe(HttpStatusCode.OK);
        (await underwood.RegistersEctAsync(trn, Day(2026, 1, 5), on: Day(2026, 2, 10), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);
        return (jane, before, support);
    }

    [Fact]
    public async Task as_known_before_the_report_she_was_still_at_the_first_school_in_january()
    {
        var (jane, before, support) = await StoryAsync();

        var state = (await support.StateOfAsync(jane, asOf: Day(2026, 1, 20), knownAt: before)).ShouldBe(HttpStatusCode.OK);

        state.Ect()["school"]!["urn"]!.GetValue<int>().ShouldBe(Valley);
        state.Ect()["at_school"]!.GetValue<string>().ShouldBe("active");
        state["ect_at_school_periods"].AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task as_known_now_she_was_at_the_second_school_in_january_and_had_left_the_first()
    {
        var (jane, _, support) = await StoryAsync();

        var state = (await support.StateOfAsync(jane, asOf: Day(2026, 1, 20))).ShouldBe(HttpStatusCode.OK);

        state.Ect()["school"]!["urn"]!.GetValue<int>().ShouldBe(Underwood);
        state.Ect()["at_school"]!.GetValue<string>().ShouldBe("active");
        // A backdated registration starts training on the day it is made: in January her first training had finished.
        state.Ect()["training_status"]!.GetValue<string>().ShouldBe("finished");
        var periods = state["ect_at_school_periods"].AsArray();
        periods.Select(p => (p!["school"]!["urn"]!.GetValue<int>(), p["status"]!.GetValue<string>())).ShouldBe([(Valley, "left"), (Underwood, "active")]);
    }

    [Fact]
    public async Task as_known_now_training_with_the_new_lead_provider_runs_from_the_day_of_the_report()
    {
        var (jane, before, support) = await StoryAsync();

        var now = (await support.StateOfAsync(jane, asOf: Day(2026, 2, 20))).ShouldBe(HttpStatusCode.OK);
        var then = (await support.StateOfAsync(jane, asOf: Day(2026, 2, 20), knownAt: before)).ShouldBe(HttpStatusCode.OK);

        (now.Ect()["lead_provider_id"]!.GetValue<string>(), now.Ect()["training_status"]!.GetValue<string>()).ShouldBe((TeachFirst.ToString(), "active"));
        (then.Ect()["lead_provider_id"]!.GetValue<string>(), then.Ect()["training_status"]!.GetValue<string>()).ShouldBe((Ambition.ToString(), "active"));
    }

    [Fact]
    public async Task as_known_now_the_autumn_still_shows_the_first_school_with_a_leaving_date()
    {
        var (jane, _, support) = await StoryAsync();

        var state = (await support.StateOfAsync(jane, asOf: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        state.Ect()["school"]!["urn"]!.GetValue<int>().ShouldBe(Valley);
        state.Ect()["at_school"]!.GetValue<string>().ShouldBe("leaving");
        state["ect_at_school_periods"].AsArray()[1]!["status"]!.GetValue<string>().ShouldBe("joining");
    }

    [Fact]
    public async Task known_at_counts_the_events_recorded_by_then_and_says_when()
    {
        var (jane, before, support) = await StoryAsync();

        var then = (await support.StateOfAsync(jane, knownAt: before)).ShouldBe(HttpStatusCode.OK);
        var now = (await support.StateOfAsync(jane)).ShouldBe(HttpStatusCode.OK);

        then["last_recorded_at"].GetValue<DateTimeOffset>().ShouldBe(DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
        now["events_known"].GetValue<long>().ShouldBeGreaterThan(then["events_known"].GetValue<long>());
    }

    [Fact]
    public async Task each_lead_provider_sees_what_it_saw_then_with_when_that_last_changed()
    {
        var (jane, before, support) = await StoryAsync();
        var timeline = (await support.TimelineOfAsync(jane)).ShouldBe(HttpStatusCode.OK).Body!.AsArray();

        var then = (await support.StateOfAsync(jane, knownAt: before)).ShouldBe(HttpStatusCode.OK)["lead_providers"].AsArray();
        // Known at the newest event rather than "now", so both come from the replay (now shows the served documents where they exist).
        var now = (await support.StateOfAsync(jane, knownAt: timeline[0]!["recorded_at"]!.GetValue<string>())).ShouldBe(HttpStatusCode.OK)["lead_providers"].AsArray();

        then.Select(v => v!["lead_provider_id"]!.GetValue<string>()).ShouldBe([Ambition.ToString()]);
        then[0]!["api_updated_at"]!.GetValue<DateTimeOffset>().ShouldBe(DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
        now.Select(v => v!["lead_provider_id"]!.GetValue<string>()).ShouldBe([Ambition.ToString(), TeachFirst.ToString()], ignoreOrder: true);
        var teachFirst = now.Single(v => v!["lead_provider_id"]!.GetValue<string>() == TeachFirst.ToString())!;
        teachFirst["document"]!["ecf_enrolments"]![0]!["school_urn"]!.GetValue<string>().ShouldBe(Underwood.ToString());
        teachFirst["source"]!.GetValue<string>().ShouldBe("replay");
        // TeachFirst first heard of her in February, with the newest events.
        teachFirst["api_updated_at"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
        teachFirst["api_updated_at"]!.GetValue<DateTimeOffset>().ShouldBeLessThanOrEqualTo(timeline[0]!["recorded_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task asked_about_now_the_views_are_the_documents_the_lead_provider_api_serves()
    {
        var (jane, _, support) = await StoryAsync();
        var newest = (await support.TimelineOfAsync(jane)).Body!.AsArray()[0]!["recorded_at"]!.GetValue<string>();

        var served = (await support.StateOfAsync(jane)).ShouldBe(HttpStatusCode.OK)["lead_providers"].AsArray();
        var replayed = (await support.StateOfAsync(jane, knownAt: newest)).ShouldBe(HttpStatusCode.OK)["lead_providers"].AsArray();

        served.Select(v => v!["source"]!.GetValue<string>()).Distinct().ShouldBe(["lead_provider_api"]);
        served.Select(v => v!["lead_provider_id"]!.GetValue<string>()).ShouldBe(replayed.Select(v => v!["lead_provider_id"]!.GetValue<string>()));
        foreach (var (now, replay) in served.Zip(replayed))
        {
            now!["document"]!["teacher_reference_number"]!.ToJsonString().ShouldBe(replay!["document"]!["teacher_reference_number"]!.ToJsonString());
            var enrolments = (JsonNode n) => n["document"]!["ecf_enrolments"]!.AsArray().Select(x => (x!["training_record_id"]!.GetValue<string>(), x["school_urn"]!.GetValue<string>(), x["cohort"]!.GetValue<string>())).ToList();
            enrolments(now).ShouldBe(enrolments(replay));
        }
    }

    [Fact]
    public async Task the_changes_between_then_and_now_name_the_leaving_date_and_the_new_period()
    {
        var (jane, before, support) = await StoryAsync();

        var changes = (await support.ChangesOfAsync(jane, from: before)).ShouldBe(HttpStatusCode.OK);

        var fields = changes["changes"].AsArray().ToDictionary(c => c!["field"]!.GetValue<string>(), c => c!["to"]?.GetValue<string>());
        fields.ShouldContainKeyAndValue("ect_at_school_periods[1].finished_on", "2025-12-31");
        fields.Keys.ShouldContain(k => k.StartsWith("ect_at_school_periods[", StringComparison.Ordinal) && k.EndsWith("].started_on", StringComparison.Ordinal) && fields[k] == "2026-01-05");
        changes["recorded_between"].AsArray().Select(e => e!["event_type"]!.GetValue<string>()).ShouldContain("teacher_left_school_as_ect");
    }

    [Fact]
    public async Task the_timeline_shows_the_leaving_and_the_new_registration_on_their_business_dates_recorded_in_february()
    {
        var (jane, before, support) = await StoryAsync();

        var entries = (await support.TimelineOfAsync(jane)).ShouldBe(HttpStatusCode.OK).Body!.AsArray();

        var left = entries.Single(e => e!["event_type"]!.GetValue<string>() == "teacher_left_school_as_ect")!;
        left["happened_on"]!.GetValue<string>().ShouldBe("2025-12-31");
        left["heading"]!.GetValue<string>().ShouldStartWith($"Jane Doe left {await SchoolNameAsync(Valley)}");
        left["heading"]!.GetValue<string>().ShouldEndWith("as an ECT on 31 December 2025");
        left["recorded_at"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
        var moved = entries.Where(e => e!["event_type"]!.GetValue<string>() == "teacher_registered_as_ect").Select(e => e!).First();
        moved["actor_id"]!.GetValue<string>().ShouldBe(Underwood.ToString());
        moved["happened_on"]!.GetValue<string>().ShouldBe("2026-01-05");
        moved["heading"]!.GetValue<string>().ShouldContain("5 January 2026");
    }

    private async Task<string> SchoolNameAsync(int urn) =>
        (await global::RegisterEcts.Schools.SchoolDirectory.SchoolDirectoryProjection.FindByUrnAsync(api.Store.DataSource, urn, CancellationToken.None))!.Name;

    [Fact]
    public async Task nothing_changed_between_a_time_and_itself()
    {
        var (jane, before, support) = await StoryAsync();
        var changes = (await support.ChangesOfAsync(jane, from: before, to: before)).ShouldBe(HttpStatusCode.OK);
        changes["changes"].AsArray().ShouldBeEmpty();
        changes["recorded_between"].AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task before_anything_was_recorded_the_teacher_was_not_registered()
    {
        var (jane, _, support) = await StoryAsync();
        var state = (await support.StateOfAsync(jane, knownAt: "2000-01-01T00:00:00Z")).ShouldBe(HttpStatusCode.OK);
        state["registered"].GetValue<bool>().ShouldBeFalse();
        state["ect_at_school_periods"].AsArray().ShouldBeEmpty();
    }
}

public class when_support_reads_a_corrected_record(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<(Guid Jane, string Before, SupportAgent Support)> StoryAsync()
    {
        var valley = await api.SchoolAsync(Valley);
        var support = await api.SupportAsync();
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await support.LastRecordedAtAsync(jane);
        (await support.CorrectsEctStartDateAsync(jane, Valley, Day(2025, 8, 27), on: Day(2025, 10, 1), reason: "Started in the summer", ticket: "ZD-77"))
            .ShouldBe(HttpStatusCode.OK);
        return (jane, before, support);
    }

    [Fact]
    public async Task the_timeline_shows_the_correction_first_with_who_why_and_the_ticket()
    {
        var (jane, _, support) = await StoryAsync();

        var newest = (await support.TimelineOfAsync(jane)).ShouldBe(HttpStatusCode.OK).Body!.AsArray()[0]!;

        newest["event_type"]!.GetValue<string>().ShouldBe("teacher_ect_start_date_corrected");
        newest["actor_type"]!.GetValue<string>().ShouldBe("support");
        newest["reason"]!.GetValue<string>().ShouldBe("Started in the summer");
        newest["support_ticket"]!.GetValue<string>().ShouldBe("ZD-77");
        newest["happened_on"]!.GetValue<string>().ShouldBe("2025-08-27");
        newest["changes"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["Start date changed from '1 September 2025' to '27 August 2025'"]);
        newest["heading"]!.GetValue<string>().ShouldStartWith("Jane Doe's ECT start date at");
    }

    [Fact]
    public async Task the_timeline_is_newest_first_with_business_and_recorded_dates()
    {
        var (jane, _, support) = await StoryAsync();

        var entries = (await support.TimelineOfAsync(jane)).ShouldBe(HttpStatusCode.OK).Body!.AsArray();

        var recorded = entries.Select(e => e!["recorded_at"]!.GetValue<DateTimeOffset>()).ToList();
        recorded.ShouldBe(recorded.OrderByDescending(r => r).ToList());
        var registered = entries.Single(e => e!["event_type"]!.GetValue<string>() == "teacher_registered_as_ect")!;
        registered["happened_on"]!.GetValue<string>().ShouldBe("2025-09-01");
        registered["actor_type"]!.GetValue<string>().ShouldBe("school");
        registered["personal_changes"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldContain("Name set to 'Jane Doe'");
    }

    [Fact]
    public async Task the_state_as_known_before_the_correction_keeps_the_old_start_and_after_it_the_new()
    {
        var (jane, before, support) = await StoryAsync();

        var then = (await support.StateOfAsync(jane, asOf: Day(2025, 8, 29), knownAt: before)).ShouldBe(HttpStatusCode.OK);
        var now = (await support.StateOfAsync(jane, asOf: Day(2025, 8, 29))).ShouldBe(HttpStatusCode.OK);

        then["ect_at_school_periods"][0]!["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
        then.Ect()["at_school"]!.GetValue<string>().ShouldBe("joining");
        now["ect_at_school_periods"][0]!["started_on"]!.GetValue<string>().ShouldBe("2025-08-27");
        now.Ect()["at_school"]!.GetValue<string>().ShouldBe("active");
    }

    [Fact]
    public async Task the_changes_since_before_the_correction_are_the_start_date_only()
    {
        var (jane, before, support) = await StoryAsync();

        var changes = (await support.ChangesOfAsync(jane, from: before)).ShouldBe(HttpStatusCode.OK)["changes"].AsArray();

        var change = changes.Single()!;
        change["field"]!.GetValue<string>().ShouldBe("ect_at_school_periods[1].started_on");
        (change["from"]!.GetValue<string>(), change["to"]!.GetValue<string>()).ShouldBe(("2025-09-01", "2025-08-27"));
        change["personal"]!.GetValue<bool>().ShouldBeFalse();
    }
}

public class when_support_reads_an_erased_teacher(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<(Guid Jane, SupportAgent Support)> StoryAsync()
    {
        var valley = await api.SchoolAsync(Valley);
        var support = await api.SupportAsync();
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Forgotten")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ReportsEctLeavingAsync(jane, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await support.ErasesAsync(jane, on: Day(2026, 1, 10))).ShouldBe(HttpStatusCode.OK);
        return (jane, support);
    }

    [Fact]
    public async Task the_state_shows_personal_fields_as_erased_and_the_facts_intact()
    {
        var (jane, support) = await StoryAsync();

        var state = (await support.StateOfAsync(jane, asOf: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        state["name"].GetValue<string>().ShouldBe("[erased]");
        state["erased"].GetValue<bool>().ShouldBeTrue();
        var period = state["ect_at_school_periods"].AsArray().Single()!;
        new string?[] { null, "[erased]" }.ShouldContain(period["email"]?.GetValue<string>());
        (period["started_on"]!.GetValue<string>(), period["finished_on"]!.GetValue<string>()).ShouldBe(("2025-09-01", "2025-12-31"));
        state.Ect()["at_school"]!.GetValue<string>().ShouldBe("leaving");
    }

    [Fact]
    public async Task even_as_known_before_the_erasure_the_name_is_gone()
    {
        var (jane, support) = await StoryAsync();
        var entries = (await support.TimelineOfAsync(jane)).ShouldBe(HttpStatusCode.OK).Body!.AsArray();
        var beforeErasure = entries[1]!["recorded_at"]!.GetValue<string>();

        var state = (await support.StateOfAsync(jane, knownAt: beforeErasure)).ShouldBe(HttpStatusCode.OK);

        state["erased"].GetValue<bool>().ShouldBeFalse();
        state["name"].GetValue<string>().ShouldBe("[erased]");
    }

    [Fact]
    public async Task the_timeline_keeps_every_event_and_the_erasure_with_its_reason()
    {
        var (jane, support) = await StoryAsync();

        var entries = (await support.TimelineOfAsync(jane)).ShouldBe(HttpStatusCode.OK).Body!.AsArray();

        entries[0]!["event_type"]!.GetValue<string>().ShouldBe("teacher_personal_data_erased");
        entries[0]!["reason"]!.GetValue<string>().ShouldBe("The teacher asked to be forgotten");
        entries.Select(e => e!["event_type"]!.GetValue<string>()).ShouldContain("teacher_registered_as_ect");
        entries.Select(e => e!["event_type"]!.GetValue<string>()).ShouldContain("teacher_left_school_as_ect");
        entries.ToJsonString().ShouldNotContain("Jane Forgotten");
        entries.Last()!["personal_changes"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["[erased]"]);
        entries.Last()!["heading"]!.GetValue<string>().ShouldStartWith("[erased] was registered as an ECT");
    }

    [Fact]
    public async Task search_by_trn_still_finds_the_record_without_the_name()
    {
        var (jane, support) = await StoryAsync();
        var trn = (await support.StateOfAsync(jane)).ShouldBe(HttpStatusCode.OK)["trn"].GetValue<string>();

        var match = (await support.FindsAsync(trn)).ShouldBe(HttpStatusCode.OK).Body!.AsArray().Single()!;

        match["name"]!.GetValue<string>().ShouldBe("[erased]");
        (await support.FindsAsync("Jane Forgotten")).ShouldBe(HttpStatusCode.OK).Body!.AsArray().ShouldBeEmpty();
    }
}

public class when_the_history_routes_are_called_badly(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<Guid> JaneAsync() =>
        (await (await api.SchoolAsync(Valley)).RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

    public static TheoryData<string> Routes => new() { "/api/support/teachers?q=jane", "/timeline", "/state", "/changes?from=2025-09-01T00:00:00Z" };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task without_a_token_it_is_401(string route)
    {
        var jane = await JaneAsync();
        var reply = await new Caller(api.CreateClient(), null).GetAsync(Path(route, jane));
        reply.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task with_a_school_or_appropriate_body_token_it_is_403(string route)
    {
        var jane = await JaneAsync();
        foreach (var scope in new[] { $"school:{Valley}", $"appropriate-body:{Kingfisher}" })
        {
            var reply = (await (await api.AsAsync(scope)).GetAsync(Path(route, jane))).ShouldBe(HttpStatusCode.Forbidden);
            reply.Code.ShouldBe("forbidden");
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task with_an_admin_token_it_is_allowed(string route)
    {
        var jane = await JaneAsync();
        (await (await api.AsAsync("admin")).GetAsync(Path(route, jane))).ShouldBe(HttpStatusCode.OK);
    }

    private static string Path(string route, Guid teacher) => route.StartsWith('/') && !route.StartsWith("/api", StringComparison.Ordinal)
        ? $"/api/support/teachers/{teacher}{route}"
        : route;

    [Theory]
    [InlineData("state?as_of=2025-13-01", "as_of")]
    [InlineData("state?as_of=1%2F9%2F2025", "as_of")]
    [InlineData("state?known_at=yesterday", "known_at")]
    [InlineData("state?known_at=2025-09-01", "known_at")]
    [InlineData("changes", "from")]
    [InlineData("changes?from=soon", "from")]
    [InlineData("changes?from=2025-09-02T00:00:00Z&to=2025-09-01T00:00:00Z", "to")]
    public async Task a_bad_query_value_is_a_400_problem_naming_it(string query, string field)
    {
        var jane = await JaneAsync();

        var reply = (await (await api.SupportAsync()).Caller.GetAsync($"/api/support/teachers/{jane}/{query}")).ShouldBe(HttpStatusCode.BadRequest);

        reply["errors"][field].ShouldNotBeNull();
        reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("timeline")]
    [InlineData("state")]
    [InlineData("changes?from=2025-09-01T00:00:00Z")]
    public async Task an_unknown_teacher_is_a_404(string route)
    {
        var reply = (await (await api.SupportAsync()).Caller.GetAsync($"/api/support/teachers/{Guid.NewGuid()}/{route}")).ShouldBe(HttpStatusCode.NotFound);
        reply.Code.ShouldBe("teacher_not_found");
    }

    [Fact]
    public async Task a_school_id_is_not_a_teacher()
    {
        var school = (await global::RegisterEcts.Schools.SchoolDirectory.SchoolDirectoryProjection.FindByUrnAsync(api.Store.DataSource, Valley, CancellationToken.None))!;
        (await (await api.SupportAsync()).Caller.GetAsync($"/api/support/teachers/{school.SchoolId}/state")).ShouldBe(HttpStatusCode.NotFound);
    }
}
