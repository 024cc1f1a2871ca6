using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RegisterEcts.Access;
using RegisterEcts.EventStore;
using RegisterEcts.Partnerships;
using RegisterEcts.Partnerships.PartnershipList;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Schools.SchoolDirectory;
using RegisterEcts.Shared;

namespace RegisterEcts.Benchmarks;

public sealed record CommandRun(
    int Clients, double CommandsPerSecond, Percentiles Latency, IReadOnlyDictionary<string, Percentiles> ByCommand, int Commands, int Failed, double? ApiCpuMsPerCommand, double? MachineCpuMsPerCommand, double RawTransactionsPerSecond,
    double? ServerCpuMsPerCommand = null, double? ClientCpuMsPerCommand = null, double? RawServerCpuMsPerTransaction = null)
{
    public double Ratio => CommandsPerSecond / RawTransactionsPerSecond;

    /// <summary>
    /// The most commands/s this machine's cores allow with PostgreSQL doing what it did here per command, were the API and the
    /// clients free: the server's CPU per command is the part no change to the API can remove.
    /// </summary>
    public double? ServerCeiling => ServerCpuMsPerCommand is > 0 and { } ms ? ServerCpu.Ceiling(TimeSpan.FromMilliseconds(ms)) : null;
}

public sealed record HttpCommandsResult(IReadOnlyList<CommandRun> Runs, double? IdleRssMiB, double? PeakRssMiB);

/// <summary>
/// Commands through HTTP: the real API process (Kestrel on loopback, every inline projection on), driven by
/// keep-alive clients that each act as one school's induction tutor with the school's own token, so clients
/// never touch each other's teachers. The mix is a school's everyday work, in a cycle of four commands:
/// register a provider-led ECT, change the ECT's email, register a mentor, assign the mentor to the ECT
/// (the last one appends to two streams). Every one updates periods, timeline and the lead provider's
/// participant documents in its transaction. Beside it, on the same server and in the same run, raw
/// single-row INSERT transactions at the same concurrency.
/// </summary>
public static class HttpCommands
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly TimeZoneInfo England = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static int _nextTrn = 2_000_000;

    public static async Task<HttpCommandsResult> RunAsync(
        string connectionString, string schema, string repository, string apiDll, int[] clientCounts, TimeSpan processWarmUp, TimeSpan warmUp, TimeSpan duration)
    {
        await using var store = await CareerData.CreateAsync(connectionString, schema, repository, DateOnly.FromDateTime(DateTime.UtcNow));
        var schools = await SchoolsAsync(store, clientCounts.Max());

        var server = await ServerCpu.FindAsync(store.DataSource);
        await using var api = await ApiProcess.StartAsync(apiDll, connectionString, schema);
        var idle = api.Memory().Rss;
        var runs = new List<CommandRun>();
        // The process's own warm-up, once, at the highest concurrency: tiered compilation with dynamic PGO keeps compiling for
        // 40-60 s of load (22,000 methods, counted with DOTNET_JitDisasmSummary), and a 5 s warm-up left the first concurrency
        // measured partly on tier-0 code (a quarter of the API's CPU samples were the JIT's).
        await LoadAsync(api.Address, schools, processWarmUp, record: false);
        foreach (var clients in clientCounts)
        {
            var owned = schools.Take(clients).ToList();
            // Warm-up: the time asked, and at least 200 commands, so a slow (or busy) machine still runs the
            // measured part on tier-1 JIT code, warm connection pools and cached plans.
            for (var warmed = 0; warmed < 200;) warmed += (await LoadAsync(api.Address, owned, warmUp, record: false)).Latencies.Count;
            var cpu = api.CpuTime();
            var machine = MachineBusy();
            var split = CpuWatch.Start(server);
            var watch = Stopwatch.StartNew();
            var (latencies, failed) = await LoadAsync(api.Address, owned, duration, record: true);
            // Where the time goes: the API's own CPU per command (the rest is PostgreSQL, the client and waiting for a core).
            var cpuMs = api.CpuTime() - cpu is { } used ? used.TotalMilliseconds / latencies.Count : (double?)null;
            // And the whole machine's (API, PostgreSQL, the clients): on 2 cores, commands/s cannot pass 2,000 ms over this.
            var machineMs = MachineBusy() - machine is { } busy ? busy.TotalMilliseconds / latencies.Count : (double?)null;
            // Of which PostgreSQL's processes (backends, WAL writer, checkpointer…), and this process's clients.
            var (serverUsed, clientUsed) = split.Elapsed();
            var serverMs = serverUsed?.TotalMilliseconds / latencies.Count;
            var clientMs = clientUsed.TotalMilliseconds / latencies.Count;
            // The raw inserts run after the API has stopped (below), so they do not share the cores with it.
            runs.Add(new(clients, latencies.Count / watch.Elapsed.TotalSeconds, Percentiles.Of([.. latencies.Select(l => l.Ms)]),
                latencies.GroupBy(l => l.Command).ToDictionary(g => g.Key, g => Percentiles.Of([.. g.Select(l => l.Ms)])), latencies.Count, failed, cpuMs, machineMs,
                RawTransactionsPerSecond: 0, serverMs, clientMs));
        }
        var peak = api.Memory().Peak;
        await api.DisposeAsync();

        var results = new List<CommandRun>();
        foreach (var run in runs)
        {
            var (raw, rawServerMs) = await RawAsync(store, server, run.Clients, warmUp, duration);
            results.Add(run with { RawTransactionsPerSecond = raw, RawServerCpuMsPerTransaction = rawServerMs });
        }
        return new HttpCommandsResult(results, idle, peak);
    }

    /// <summary>CPU time every process on the machine has used (all but idle and I/O wait), from /proc/stat; null off Linux.</summary>
    private static TimeSpan? MachineBusy()
    {
        if (!File.Exists("/proc/stat")) return null;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
        return TimeSpan.FromSeconds(busy / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>One state-funded school per client, each partnered with a lead provider for this year, with its own token.</summary>
    private static async Task<List<SchoolClient>> SchoolsAsync(PostgresEventStore store, int count)
    {
        var context = new EventContext(Actor.System("benchmark"));
        var (reference, _) = await ReferenceStream.LoadAsync(store);
        var today = Today();
        var year = today.Month >= 6 ? today.Year : today.Year - 1;
        var pairings = reference.LeadProviderDeliveryPartnerships.Values.Where(p => p.Year == year).OrderBy(p => p.Id).ToList();
        if (pairings.Count == 0) throw new InvalidOperationException($"The sample reference data has no lead provider for {year}: the commands benchmark registers ECTs today.");
        var hub = reference.AppropriateBodies.Values.Where(a => a.Active && a.Type == AppropriateBodyType.TeachingSchoolHub).OrderBy(a => a.Id).First();
        var open = (await SchoolDirectoryProjection.ListAsync(store.DataSource, 0, int.MaxValue, CancellationToken.None))
            .Where(s => s.Status == SchoolStatus.Open && s.Eligible && !s.Independent).Take(count).ToList();
        if (open.Count < count) throw new InvalidOperationException($"Only {open.Count} open state-funded schools in the sample extract; {count} clients need one each.");

        var clients = new List<SchoolClient>();
        for (var i = 0; i < open.Count; i++)
        {
            var school = open[i];
            var pairing = pairings[i % pairings.Count];
            var schoolState = (await store.ReadStreamAsync(school.SchoolId)).Events.Aggregate(School.Initial, (s, e) => School.Evolve(s, e.Data));
            var existing = await PartnershipListProjection.ForSchoolAsync(store.DataSource, school.SchoolId, CancellationToken.None);
            var command = new CreateSchoolPartnership(Guid.CreateVersion7(), school.SchoolId, pairing.LeadProviderId, pairing.DeliveryPartnerId, year, today);
            await store.DecideAsync(command.PartnershipId, SchoolPartnership.StreamType, SchoolPartnership.Initial, SchoolPartnership.Evolve,
                state => CreateSchoolPartnership.Decide(command, state, schoolState, existing, reference), context);
            var token = await ApiTokens.CreateAsync(store.DataSource, $"school:{school.Urn}", CancellationToken.None);
            clients.Add(new SchoolClient(school.Urn, token, pairing.LeadProviderId, hub.Id));
        }
        return clients;
    }

    private static async Task<(List<(string Command, double Ms)> Latencies, int Failed)> LoadAsync(Uri address, List<SchoolClient> schools, TimeSpan duration, bool record)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perClient = await Task.WhenAll(schools.Select(school => Task.Run(() => ClientAsync(address, school, until))));
        var latencies = perClient.SelectMany(c => c.Latencies).ToList();
        var failed = perClient.Sum(c => c.Failed);
        var example = perClient.Select(c => c.FirstFailure).FirstOrDefault(f => f is not null);
        // Nothing succeeded: a figure would be meaningless (and the warm-up would never end).
        if (latencies.Count == 0) throw new InvalidOperationException($"No command succeeded in {duration.TotalSeconds:0} s; {failed} failed, e.g. {example}");
        if (record && failed > 0) Console.WriteLine($"  {failed} command(s) failed, e.g. {example}");
        return (latencies, failed);
    }

    /// <summary>One school's tutor on one keep-alive connection, cycling through the four commands until the deadline.</summary>
    private static async Task<(List<(string Command, double Ms)> Latencies, int Failed, string? FirstFailure)> ClientAsync(Uri address, SchoolClient school, long until)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", school.Token);
        var latencies = new List<(string Command, double Ms)>(8192);
        var failed = 0;
        string? firstFailure = null;
        var urn = school.Urn;

        // The teacher the reply is about, or null when the command failed.
        async Task<Guid?> Post(string command, string path, object body)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync(path, body, Json);
            var text = await response.Content.ReadAsStringAsync();
            latencies.Add((command, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
            if (response.IsSuccessStatusCode)
            {
                using var reply = JsonDocument.Parse(text);
                return reply.RootElement.GetProperty("teacher_id").GetGuid();
            }
            latencies.RemoveAt(latencies.Count - 1);
            failed++;
            firstFailure ??= $"POST {path}: {(int)response.StatusCode} {text}";
            return null;
        }

        while (Stopwatch.GetTimestamp() < until)
        {
            var today = Today();
            var n = Interlocked.Add(ref _nextTrn, 2);
            var ect = await Post("register ECT", $"/api/schools/{urn}/ects", new
            {
                Trn = $"{n}", Name = "Jane Doe", Email = $"ect{n}@example.com", StartedOn = today, WorkingPattern = "full_time",
                AppropriateBodyId = school.AppropriateBody, TrainingProgramme = "provider_led", LeadProviderId = school.LeadProvider,
            });
            if (ect is not { } ectId) continue;
            await Post("change email", $"/api/schools/{urn}/teachers/{ectId}/email", new { Email = $"ect{n}.new@example.com" });
            var mentor = await Post("register mentor", $"/api/schools/{urn}/mentors", new
            {
                Trn = $"{n + 1}", Name = "Maria Lopez", Email = $"mentor{n}@example.com", StartedOn = today, LeadProviderId = school.LeadProvider,
            });
            if (mentor is not { } mentorId) continue;
            await Post("assign mentor", $"/api/schools/{urn}/ects/{ectId}/mentor", new { MentorTeacherId = mentorId });
        }
        return (latencies, failed, firstFailure);
    }

    /// <summary>
    /// Raw single-row INSERT transactions (autocommit), one connection per client, for as long as the commands ran: transactions/s,
    /// and PostgreSQL's CPU per transaction (null when the server is elsewhere).
    /// </summary>
    private static async Task<(double PerSecond, double? ServerMs)> RawAsync(PostgresEventStore store, ServerCpu? server, int connections, TimeSpan warmUp, TimeSpan duration)
    {
        await using (var create = store.DataSource.CreateCommand(
            "CREATE TABLE IF NOT EXISTS raw_http_commands (event_id uuid PRIMARY KEY, stream_id uuid NOT NULL, version bigint NOT NULL, type text NOT NULL, data jsonb NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        await Inserts(store, connections, warmUp);
        var cpu = CpuWatch.Start(server);
        var watch = Stopwatch.StartNew();
        var rows = await Inserts(store, connections, duration);
        var elapsed = watch.Elapsed;
        return (rows / elapsed.TotalSeconds, cpu.Elapsed().Server?.TotalMilliseconds / rows);
    }

    private static async Task<int> Inserts(PostgresEventStore store, int connections, TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            await using var conn = await store.DataSource.OpenConnectionAsync();
            var count = 0;
            var stream = Guid.CreateVersion7();
            while (Stopwatch.GetTimestamp() < until)
            {
                await using var cmd = new NpgsqlCommand("INSERT INTO raw_http_commands (event_id, stream_id, version, type, data) VALUES ($1, $2, $3, $4, $5)", conn)
                {
                    Parameters =
                    {
                        new() { Value = Guid.CreateVersion7() },
                        new() { Value = stream },
                        new() { Value = (long)count + 1 },
                        new() { Value = "ect_registered" },
                        new() { Value = $$"""{"trn":"{{2_000_000 + count}}","name":"Jane Doe","email":"ect{{count}}@example.com","started_on":"2026-09-01"}""", NpgsqlDbType = NpgsqlDbType.Jsonb },
                    },
                };
                await cmd.ExecuteNonQueryAsync();
                count++;
            }
            return count;
        })));
        return counts.Sum();
    }

    private static DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, England).DateTime);

    private sealed record SchoolClient(int Urn, string Token, Guid LeadProvider, Guid AppropriateBody);
}

/// <summary>A schema of its own with the domain's store, migrated, the sample reference data and GIAS schools loaded.</summary>
public static class CareerData
{
    public static async Task<PostgresEventStore> CreateAsync(string connectionString, string schema, string repository, DateOnly giasDate)
    {
        await DropAsync(connectionString, schema);
        var store = RegisterEctsStore.Create(connectionString, schema);
        await store.MigrateAsync();
        // Record the projections' versions while the store is empty, as a deployment's first start does; the API
        // refuses to serve tables it cannot vouch for.
        await RegisterEcts.EventStore.Projections.ProjectionVersions.InlineAsync(store);
        var context = new EventContext(Actor.System("benchmark"));
        await ReferenceStream.SeedAsync(store, ReferenceSeed.Parse(await File.ReadAllTextAsync(Path.Combine(repository, "samples", "reference", "reference-data.json"))), context);
        var extract = GiasExtract.Parse(await File.ReadAllTextAsync(Path.Combine(repository, "samples", "gias", "schools.csv")),
            await File.ReadAllTextAsync(Path.Combine(repository, "samples", "gias", "links.csv")));
        await GiasImport.RunAsync(store, extract, giasDate, context);
        return store;
    }

    public static async Task DropAsync(string connectionString, string schema)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
