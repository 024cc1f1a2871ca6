using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Api.Tests.LeadProviders;
using Xunit.Abstractions;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.Reliability;

/// <summary>
/// The API as an OS process, eight clients sending real commands, SIGKILL part way, a restart: every command that was
/// answered 2xx has its events, the inline tables equal an offline rebuild, and the restarted API serves again.
/// The schema and its reference data, schools, partnerships and tokens come from the in-process fixture; the
/// commands go only to the separate process.
/// </summary>
public class when_the_api_is_killed_with_sigkill_under_load(ApiWithSchools api, ITestOutputHelper output) : IClassFixture<ApiWithSchools>
{
    private const int Clients = 8;
    private const int KillAfter = 300;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A command the API answered 2xx, and what its events must show.</summary>
    private sealed record Acknowledged(string Command, Guid Teacher, string EventType, string? MustContain);

    [Fact]
    public async Task every_acknowledged_command_survives_and_the_tables_equal_a_rebuild()
    {
        var clock = Stopwatch.StartNew();
        // Started first: its start-up (JIT, migrations check) overlaps with the seeding below.
        await using var first = ApiProcess.Start(api.Schema);
        var schools = await SchoolsAsync();
        var tokens = new Dictionary<int, string>();
        foreach (var urn in schools) tokens[urn] = await api.TokenAsync($"school:{urn}");
        var leadProvider = await api.TokenAsync($"lead-provider:{Ambition}");

        var acknowledged = new ConcurrentBag<Acknowledged>();
        var refused = new ConcurrentBag<string>();
        long before;
        {
            await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"first process {first.Id} ready after {clock.Elapsed.TotalSeconds:0.0} s");
            before = await api.EventCountAsync();

            using var http = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(20) };
            using var killed = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients)
                .Select(i => Task.Run(() => ClientAsync(i, http, schools[i], tokens[schools[i]], leadProvider, acknowledged, refused, killed.Token)))
                .ToList();

            var waited = Stopwatch.StartNew();
            // A bound, not a timing: on an idle machine the clients get there in a few seconds.
            while (acknowledged.Count < KillAfter && waited.Elapsed < TimeSpan.FromSeconds(45) && clients.Any(c => !c.IsCompleted))
                await Task.Delay(10);
            acknowledged.Count.ShouldBeGreaterThanOrEqualTo(KillAfter,
                $"the clients stopped or were too slow before the kill; refused: {string.Join("; ", refused.Take(5))}\n{first.Output}");

            // DESIGN §8 asks for at most 400 MB RSS under load: reported (a Debug build, under whatever else the machine runs), not asserted.
            var memory = first.MemoryMiB();
            await first.KillAsync();
            await killed.CancelAsync();
            first.ExitCode.ShouldBe(137, "killed by SIGKILL (128 + 9)");
            var stopped = await Task.WhenAll(clients);
            output.WriteLine($"killed after {acknowledged.Count} acknowledged commands at {clock.Elapsed.TotalSeconds:0.0} s; " +
                $"{stopped.Sum()} requests were cut off by the kill, {refused.Count} refused; API memory {memory?.Rss} MiB RSS, peak {memory?.Peak} MiB");
        }
        var snapshotAtKill = acknowledged.ToList();
        var progressAtKill = await AsyncProgressAsync();

        await using var second = ApiProcess.Start(api.Schema);
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"second process {second.Id} ready at {clock.Elapsed.TotalSeconds:0.0} s");

        // Every 2xx has its events, with what the request asked for.
        var missing = new List<string>();
        foreach (var group in snapshotAtKill.GroupBy(a => a.Teacher))
        {
            var events = (await api.Store.ReadStreamAsync(group.Key)).Events;
            foreach (var byType in group.GroupBy(a => a.EventType))
            {
                var stored = events.Where(e => e.TypeName == byType.Key).Select(e => JsonSerializer.Serialize(e.Data, e.Data.GetType(), Json)).ToList();
                if (stored.Count < byType.Count())
                    missing.Add($"{group.Key}: {byType.Count()} × {byType.First().Command} acknowledged, {stored.Count} {byType.Key} stored");
                foreach (var ack in byType.Where(a => a.MustContain is not null))
                    if (!stored.Any(s => s.Contains(ack.MustContain!, StringComparison.Ordinal)))
                        missing.Add($"{group.Key}: {ack.Command} acknowledged, but no {ack.EventType} holds {ack.MustContain}");
            }
        }
        missing.ShouldBeEmpty($"{missing.Count} acknowledged commands lost:\n{string.Join('\n', missing.Take(20))}");
        (await api.EventCountAsync() - before).ShouldBeGreaterThanOrEqualTo(snapshotAtKill.Count);

        // The restarted process takes commands again: no lock, gate or half-written row left behind by the kill.
        using (var http = new HttpClient { BaseAddress = second.Address, Timeout = TimeSpan.FromSeconds(20) })
        {
            var tutor = new SchoolTutor(new Caller(http, tokens[schools[0]]), schools[0]);
            (await tutor.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created);
        }

        // A daemon (async projection) would resume from the checkpoint it had committed, and catch up.
        await AsyncProjectionsResumeAsync(progressAtKill);

        // Inline tables written by the killed process equal a replay of the log.
        var live = await ReadTables.SnapshotAsync(api);
        live["teacher_trns"].Count.ShouldBeGreaterThanOrEqualTo(snapshotAtKill.Count(a => a.Command == "register ECT"));
        await new ProjectionRebuilder(api.Store).RebuildAsync(api.Store.InlineProjections.Where(p => p.Tables.Count > 0).ToList());
        ReadTables.ShouldMatch(await ReadTables.SnapshotAsync(api), live);
        output.WriteLine($"done at {clock.Elapsed.TotalSeconds:0.0} s: {snapshotAtKill.Count} acknowledged commands checked " +
            $"({string.Join(", ", snapshotAtKill.GroupBy(a => a.Command).Select(g => $"{g.Count()} {g.Key}"))})");
    }

    /// Eight open, eligible schools, each with an Ambition partnership for 2025 so its ECTs are Ambition's participants.
    private async Task<List<int>> SchoolsAsync()
    {
        var urns = new List<int>();
        await using (var cmd = api.Store.DataSource.CreateCommand($"SELECT urn FROM schools WHERE eligible AND status = 'open' ORDER BY urn LIMIT {Clients}"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) urns.Add(r.GetInt32(0));
        urns.Count.ShouldBe(Clients);
        foreach (var urn in urns) await api.PartnershipOnceAsync(urn, Ambition, 2025, Day(2025, 6, 10));
        return urns;
    }

    /// <summary>
    /// One school's tutor and its lead provider, round after round: register an ECT and a mentor, assign the mentor,
    /// change both emails, defer and resume the ECT. Stops at the first request the kill cuts off; returns how many were.
    /// </summary>
    private static async Task<int> ClientAsync(int client, HttpClient http, int urn, string token, string leadProviderToken,
        ConcurrentBag<Acknowledged> acknowledged, ConcurrentBag<string> refused, CancellationToken killed)
    {
        var school = new Caller(http, token);
        try
        {
            for (var round = 0; !killed.IsCancellationRequested; round++)
            {
                var ectTrn = Trns.Next();
                var ect = await Step("register ECT", "teacher_registered_as_ect", ectTrn, () => school.PostAsync($"/api/schools/{urn}/ects", new
                {
                    Trn = ectTrn, Name = $"Ect {client}-{round}", Email = $"ect{client}-{round}@example.com", StartedOn = Day(2025, 9, 1),
                    WorkingPattern = "full_time", AppropriateBodyId = Kingfisher, TrainingProgramme = "provider_led", LeadProviderId = Ambition,
                }, Day(2025, 9, 1)));
                if (ect is null) continue;
                var mentorTrn = Trns.Next();
                var mentor = await Step("register mentor", "teacher_registered_as_mentor", mentorTrn, () => school.PostAsync($"/api/schools/{urn}/mentors", new
                {
                    Trn = mentorTrn, Name = $"Mentor {client}-{round}", Email = $"mentor{client}-{round}@example.com", StartedOn = Day(2025, 9, 1),
                }, Day(2025, 9, 1)));
                if (mentor is null) continue;
                await Step("assign mentor", "teacher_starts_being_mentored", mentor.Value.ToString(),
                    () => school.PostAsync($"/api/schools/{urn}/ects/{ect}/mentor", new { MentorTeacherId = mentor }, Day(2025, 9, 2)), ect);
                var ectEmail = $"ect{client}-{round}-changed@example.com";
                await Step("change ECT email", "teacher_email_address_updated", ectEmail,
                    () => school.PostAsync($"/api/schools/{urn}/teachers/{ect}/email", new { Email = ectEmail }, Day(2025, 9, 3)), ect);
                await Step("defer ECT", "teacher_defers_training_period", null, () => PutAsync(http, leadProviderToken, $"/api/v3/participants/{ect}/defer",
                    LeadProviderClient.Body("participant-defer", new JsonObject { ["reason"] = "other", ["course_identifier"] = "ecf-induction" }), Day(2025, 10, 1)), ect);
                await Step("resume ECT", "teacher_resumes_training_period", null, () => PutAsync(http, leadProviderToken, $"/api/v3/participants/{ect}/resume",
                    LeadProviderClient.Body("participant-resume", new JsonObject { ["course_identifier"] = "ecf-induction" }), Day(2025, 10, 2)), ect);
                var mentorEmail = $"mentor{client}-{round}-changed@example.com";
                await Step("change mentor email", "teacher_email_address_updated", mentorEmail,
                    () => school.PostAsync($"/api/schools/{urn}/teachers/{mentor}/email", new { Email = mentorEmail }, Day(2025, 9, 3)), mentor);
            }
            return 0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return 1; // the request the kill cut off: its outcome is unknown, so it is not counted either way
        }

        // Sends the command; on a 2xx records it against the teacher it names (or the one it returns).
        async Task<Guid?> Step(string command, string eventType, string? mustContain, Func<Task<Reply>> send, Guid? teacher = null)
        {
            if (killed.IsCancellationRequested) throw new TaskCanceledException();
            var reply = await send();
            if ((int)reply.Status is < 200 or >= 300)
            {
                refused.Add($"{command}: {(int)reply.Status} {reply.Body?.ToJsonString()}");
                return null;
            }
            var id = teacher ?? reply.TeacherId;
            acknowledged.Add(new Acknowledged(command, id, eventType, mustContain));
            return id;
        }
    }

    /// A lead provider's PUT with a JSON:API body, as Caller does for a school's POST.
    private static async Task<Reply> PutAsync(HttpClient http, string token, string path, string json, DateOnly on)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-With-Server-Date", on.ToString("yyyy-MM-dd"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private async Task<Dictionary<string, long>> AsyncProgressAsync()
    {
        var progress = new Dictionary<string, long>();
        foreach (var projection in api.Store.AsyncProjections)
        {
            await using var cmd = api.Store.DataSource.CreateCommand("SELECT last_seq FROM es_projection_progress WHERE name = $1");
            cmd.Parameters.Add(new() { Value = projection.Name });
            progress[projection.Name] = await cmd.ExecuteScalarAsync() is long seq ? seq : 0;
        }
        return progress;
    }

    /// Each async projection's position never goes back from its checkpoint at the kill and reaches the end of the log.
    /// The host registers none today (every read table is inline, written with its events), so this checks nothing yet:
    /// it is here so that adding one is covered by this test.
    private async Task AsyncProjectionsResumeAsync(Dictionary<string, long> atKill)
    {
        if (atKill.Count == 0)
        {
            output.WriteLine("the host registers no async projection: every read table is inline");
            return;
        }
        await using var max = api.Store.DataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM es_events");
        var end = (long)(await max.ExecuteScalarAsync())!;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var now = await AsyncProgressAsync();
            foreach (var (name, seq) in now) seq.ShouldBeGreaterThanOrEqualTo(atKill[name], $"{name} went back from its checkpoint");
            if (now.Values.All(seq => seq >= end)) return;
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), $"async projections did not catch up: {string.Join(", ", now)} of {end}");
            await Task.Delay(100);
        }
    }
}
