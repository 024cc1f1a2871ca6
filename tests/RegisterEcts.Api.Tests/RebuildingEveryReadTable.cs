using System.Net;
using Npgsql;
using RegisterEcts.Calendar;
using RegisterEcts.Api.Tests.LeadProviders;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

/// <summary>
/// Scripted careers, then every read table of every inline projection snapshotted and rebuilt, offline and
/// blue/green with commands arriving meanwhile: row for row the same, api_updated_at included.
/// </summary>
public class rebuilding_every_read_table(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    [Fact]
    public async Task offline_and_blue_green_give_back_what_the_appends_wrote()
    {
        var (teachers, schoolOf) = await CareersAsync();
        var live = await ReadTables.SnapshotAsync(api);
        live.Values.Sum(rows => rows.Count).ShouldBeGreaterThan(50);
        foreach (var table in new[] { "lead_provider_participants", "lead_provider_transfers", "lead_provider_unfunded_mentors", "teacher_timeline", "training_periods" })
            live[table].ShouldNotBeEmpty(table);

        var projections = api.Store.InlineProjections.Where(p => p.Tables.Count > 0).ToList();
        await new ProjectionRebuilder(api.Store, batchSize: 11).RebuildAsync(projections);
        ReadTables.ShouldMatch(await ReadTables.SnapshotAsync(api), live);

        // Through a pool of three connections, two writers share the projections (one more reads the log). Every table is
        // emptied first, so each must be rebuilt by one of them.
        await using (var empty = api.Store.DataSource.CreateCommand($"TRUNCATE {string.Join(", ", projections.SelectMany(p => p.Tables))}"))
            await empty.ExecuteNonQueryAsync();
        await using (var small = RegisterEctsStore.Create($"{TestDatabase.ConnectionString};Maximum Pool Size=3", api.Schema))
        {
            var all = small.InlineProjections.Where(p => p.Tables.Count > 0).ToList();
            all.Count.ShouldBeGreaterThan(3);
            (await new ProjectionRebuilder(small, batchSize: 11).RebuildAsync(all)).ShouldBe(await api.EventCountAsync());
        }
        ReadTables.ShouldMatch(await ReadTables.SnapshotAsync(api), live);

        // Blue/green while schools keep changing emails: afterwards the tables equal a full replay.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var changes = 0;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var teacher = teachers[i % teachers.Count];
                var school = await api.SchoolAsync(schoolOf[teacher]);
                var reply = await school.ChangesEmailAsync(teacher, $"t{i}@example.com", on: Day(2026, 2, 1));
                if (reply.Status == HttpStatusCode.OK) changes++;
            }
            return changes;
        });
        await Task.Delay(100);
        await new BlueGreenRebuilder(api.Store, batchSize: 13) { SwitchBelow = 5 }.RebuildAsync(projections);
        await Task.Delay(100);
        await stop.CancelAsync();
        (await writer).ShouldBeGreaterThan(0);

        var afterBlueGreen = await ReadTables.SnapshotAsync(api);
        await new ProjectionRebuilder(api.Store).RebuildAsync(projections);
        ReadTables.ShouldMatch(await ReadTables.SnapshotAsync(api), afterBlueGreen);
    }

    private async Task<(List<Guid> Teachers, Dictionary<Guid, int> SchoolOf)> CareersAsync()
    {
        var oakfieldAmbition = await api.PartnershipOnceAsync(Oakfield, Ambition, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Underwood, TeachFirst, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Valley, Ambition, 2025, Day(2025, 6, 10));
        await api.PartnershipOnceAsync(Valley, TeachFirst, 2025, Day(2025, 6, 10));
        var oakfield = await api.SchoolAsync(Oakfield);
        var underwood = await api.SchoolAsync(Underwood);
        var valley = await api.SchoolAsync(Valley);
        var body = await api.AppropriateBodyAsync(Kingfisher);
        var support = await api.SupportAsync();
        var schoolOf = new Dictionary<Guid, int>();

        var moverTrn = Trns.Next();
        var mover = (await oakfield.RegistersEctAsync(moverTrn, Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Jane Doe")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var mentor = (await oakfield.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await oakfield.AssignsMentorAsync(mover, mentor, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        (await body.ClaimsAsync(moverTrn, Day(2025, 9, 1), on: Day(2025, 9, 3))).ShouldBe(HttpStatusCode.OK);
        (await oakfield.ReportsEctLeavingAsync(mover, Day(2025, 12, 31), on: Day(2025, 12, 1))).ShouldBe(HttpStatusCode.OK);
        (await underwood.RegistersEctAsync(moverTrn, Day(2026, 1, 5), on: Day(2026, 1, 5), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);
        schoolOf[mover] = Underwood;

        var switcher = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.ChangesEctLeadProviderAsync(switcher, TeachFirst, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        (await valley.ChangesWorkingPatternAsync(switcher, "part_time", on: Day(2025, 10, 2))).ShouldBe(HttpStatusCode.OK);
        // Trained by Ambition, mentoring Teach First's ECT: Teach First's unfunded mentor.
        var unfunded = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.AssignsMentorAsync(switcher, unfunded, on: Day(2025, 10, 3))).ShouldBe(HttpStatusCode.OK);
        (await valley.ChangesEmailAsync(unfunded, "unfunded@example.com", on: Day(2025, 10, 4))).ShouldBe(HttpStatusCode.OK);
        schoolOf[unfunded] = Valley;
        schoolOf[switcher] = Valley;

        var passerTrn = Trns.Next();
        var passer = (await valley.RegistersEctAsync(passerTrn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await body.ClaimsAsync(passerTrn, Day(2025, 9, 1), on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        (await body.RecordsOutcomeAsync(passer, "pass", Day(2026, 7, 20), 3, on: Day(2026, 7, 21))).ShouldBe(HttpStatusCode.OK);
        schoolOf[passer] = Valley;

        // Deferred, resumed and withdrawn by its provider: each ends the partnership's training period its own way.
        var paused = (await oakfield.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.DefersAsync(paused, on: Day(2025, 11, 3))).ShouldBe(HttpStatusCode.OK);
        (await ambition.ResumesAsync(paused, on: Day(2026, 1, 6))).ShouldBe(HttpStatusCode.OK);
        (await ambition.WithdrawsAsync(paused, on: Day(2026, 3, 2))).ShouldBe(HttpStatusCode.OK);
        schoolOf[paused] = Oakfield;

        var erased = (await oakfield.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Forget Me")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await support.ErasesAsync(erased, on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        var kept = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var duplicate = (await underwood.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await support.MergesAsync(duplicate, kept, on: Day(2025, 11, 1))).ShouldBe(HttpStatusCode.OK);
        schoolOf[kept] = Valley;

        var today = BusinessCalendar.DateInEngland(DateTimeOffset.UtcNow);
        await api.PartnershipOnceAsync(Westfield, Ambition, 2026, Day(2026, 6, 10));
        var westfield = await api.SchoolAsync(Westfield);
        var joiner = (await westfield.RegistersEctAsync(Trns.Next(), today.AddDays(3), on: today)).ShouldBe(HttpStatusCode.Created).TeacherId;
        schoolOf[joiner] = Westfield;
        await api.RollOverAsync(today.AddDays(5));

        var (reference, _) = await RegisterEcts.Reference.ReferenceStream.LoadAsync(api.Store);
        var current = (await api.Store.ReadStreamAsync(oakfieldAmbition)).Events.Select(e => e.Data).OfType<RegisterEcts.Partnerships.SchoolPartnershipCreated>().Single().DeliveryPartnerId;
        var to = reference.LeadProviderDeliveryPartnerships.Values.First(p => p.LeadProviderId == Ambition && p.Year == 2025 && p.DeliveryPartnerId != current).DeliveryPartnerId;
        await api.Store.AppendAsync(oakfieldAmbition, RegisterEcts.Partnerships.SchoolPartnership.StreamType, RegisterEcts.EventStore.ExpectedVersion.Any,
            [new RegisterEcts.Partnerships.SchoolPartnershipDeliveryPartnerChanged(oakfieldAmbition, current, to, Day(2026, 2, 1))],
            new RegisterEcts.EventStore.EventContext(RegisterEcts.EventStore.Actor.System("tests")));
        return ([.. schoolOf.Keys], schoolOf);
    }
}

/// <summary>Every read table of every inline projection, as rows to compare.</summary>
public static class ReadTables
{
    /// Names the table and the rows that differ, so a failure says what to look at.
    public static void ShouldMatch(SortedDictionary<string, List<string>> rebuilt, SortedDictionary<string, List<string>> expected)
    {
        rebuilt.Keys.ShouldBe(expected.Keys);
        foreach (var (table, rows) in expected)
        {
            var missing = rows.Except(rebuilt[table]).ToList();
            var extra = rebuilt[table].Except(rows).ToList();
            (missing.Count + extra.Count).ShouldBe(0,
                $"{table}: only live: {string.Join(" // ", missing.Take(3))} || only rebuilt: {string.Join(" // ", extra.Take(3))}");
            rebuilt[table].ShouldBe(rows, table);
        }
    }

    /// Every table of every inline projection, each row as PostgreSQL prints it, sorted.
    public static async Task<SortedDictionary<string, List<string>>> SnapshotAsync(ApiWithSchools api)
    {
        var snapshot = new SortedDictionary<string, List<string>>();
        await using var conn = await api.Store.DataSource.OpenConnectionAsync();
        foreach (var table in api.Store.InlineProjections.SelectMany(p => p.Tables).Distinct())
        {
            var rows = new List<string>();
            await using var cmd = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t ORDER BY 1", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            snapshot[table] = rows;
        }
        return snapshot;
    }
}
