using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using RegisterEcts.Access;
using RegisterEcts.EventStore;
using RegisterEcts.Seeding;

namespace RegisterEcts.Benchmarks;

public sealed record ParticipantCase(string Name, bool UpdatedSince, Percentiles Latency);

public sealed record ParticipantReadsResult(
    int TeachersAsked, int Teachers, long ProviderDocuments, long RecentDocuments, string Since, IReadOnlyList<ParticipantCase> Cases, double? PeakRssMiB);

/// <summary>
/// GET /api/v3/participants through the real API process, one client, one lead provider (the one with the
/// most participants) over N seeded careers: the first page, a deep page by page number and the same depth by
/// cursor (reached by walking links.next), each without and with filter[updated_since] set so that it selects
/// the newest 1% of that provider's documents (a provider polling for recent changes). Each case: a short
/// warm-up, then one request after another, each timed until its whole body is read.
/// </summary>
public static class ParticipantReads
{
    /// The v3 rate limit is 1000 requests per 5 minutes per token; a fresh token well before that keeps the
    /// benchmark measuring reads, not 429s, without loosening the API's own configuration.
    private const int RequestsPerToken = 900;
    private const int PerPage = 100;

    public static async Task<ParticipantReadsResult> RunAsync(
        string connectionString, string schema, string repository, string apiDll, int teachers, int samples, bool reuseSeeded)
    {
        // Seeding 1M careers takes a while; --reuse-seeded measures on the data set an earlier run (or
        // `rects seed careers --bulk` into this schema) left, when it holds at least that many teachers.
        // A bulk seed of N careers registers a little under N ECTs (the rules refuse some); anything less than 90% is
        // not that data set, and a schema asked to be reused is never dropped behind the caller's back.
        var found = await SeededTeachersAsync(connectionString, schema);
        var reused = reuseSeeded && found >= teachers * 9L / 10;
        if (reuseSeeded && found > 0 && !reused)
            throw new InvalidOperationException($"Schema {schema} holds {found:N0} seeded teachers, not about {teachers:N0}: drop it or run without --reuse-seeded.");
        await using var store = reused ? RegisterEctsStore.Create(connectionString, schema)
            : await CareerData.CreateAsync(connectionString, schema, repository, new DateOnly(2021, 6, 1));
        var seeded = Stopwatch.StartNew();
        if (reused)
        {
            Console.WriteLine($"  reusing the {teachers:N0} careers seeded in schema {schema}");
        }
        else
        {
            var careers = await new CareerSeed(store, new EventContext(Actor.System("benchmark"))).BulkLoadAsync(teachers, seed: 1);
            Console.WriteLine($"  seeded {careers.Teachers:N0} careers in bulk ({careers.Commands:N0} commands, {careers.Refused:N0} refused, {careers.Events:N0} events, read tables rebuilt) in {seeded.Elapsed.TotalSeconds:N0} s");
        }
        await VacuumAnalyzeAsync(store, schema);

        var (provider, documents) = await BusiestProviderAsync(store);
        var since = await RecentSinceAsync(store, provider, documents);
        var recent = await CountSinceAsync(store, provider, since);
        var sinceText = since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

        await using var api = await ApiProcess.StartAsync(apiDll, connectionString, schema);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(60) };
        var tokens = new TokenPool(store, provider);

        var cases = new List<ParticipantCase>();
        foreach (var filtered in new[] { false, true })
        {
            var filter = filtered ? $"&filter[updated_since]={Uri.EscapeDataString(sinceText)}" : "";
            var rows = filtered ? recent : documents;
            var deepPage = Math.Max(1, (int)(rows / PerPage)); // the last full page
            var first = $"/api/v3/participants?page[per_page]={PerPage}{filter}";
            var byNumber = $"/api/v3/participants?page[per_page]={PerPage}&page[page]={deepPage}{filter}";
            var cursor = await WalkAsync(http, tokens, (deepPage - 1) * PerPage, filter);
            var byCursor = $"/api/v3/participants?page[per_page]={PerPage}{filter}" + (cursor is null ? "" : $"&page[cursor]={Uri.EscapeDataString(cursor)}");
            var suffix = filtered ? ", filter[updated_since]" : "";
            cases.Add(new($"first page{suffix}", filtered, await TimeAsync(http, tokens, first, samples)));
            cases.Add(new($"page {deepPage:N0} by page[page]{suffix}", filtered, await TimeAsync(http, tokens, byNumber, samples)));
            cases.Add(new($"page {deepPage:N0} by cursor{suffix}", filtered, await TimeAsync(http, tokens, byCursor, samples)));
        }
        var peak = api.Memory().Peak;
        await api.DisposeAsync();
        // At 1M teachers the schema takes gigabytes of a server others share; keep it only when asked to reuse it.
        if (!reuseSeeded) await CareerData.DropAsync(connectionString, schema);
        return new ParticipantReadsResult(teachers, teachers, documents, recent, sinceText, cases, peak);
    }

    /// Teachers seeded in the schema (0 when it does not exist).
    private static async Task<long> SeededTeachersAsync(string connectionString, string schema)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", conn) { Parameters = { new() { Value = $"{schema}.teachers" } } };
        if (!(bool)(await exists.ExecuteScalarAsync())!) return 0;
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {schema}.teacher_trns WHERE trn::bigint BETWEEN 3000000 AND 3999999", conn);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// Fresh statistics and visibility maps, as autovacuum would have them on a database that grew over months, not
    /// minutes (a bulk seed's tables are minutes old): lists page keys by index-only scans, which need both.
    internal static async Task VacuumAnalyzeAsync(PostgresEventStore store, string schema)
    {
        var tables = new List<string>();
        await using (var list = store.DataSource.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = $1"))
        {
            list.Parameters.Add(new() { Value = schema });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            await using var analyze = store.DataSource.CreateCommand($"VACUUM (ANALYZE) {schema}.\"{table}\"");
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }
    }

    private static async Task<(Guid Provider, long Documents)> BusiestProviderAsync(PostgresEventStore store)
    {
        await using var cmd = store.DataSource.CreateCommand(
            "SELECT lead_provider_id, count(*) FROM lead_provider_participants GROUP BY lead_provider_id ORDER BY count(*) DESC, lead_provider_id LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("The seeded careers gave no lead provider any participant.");
        return (reader.GetGuid(0), reader.GetInt64(1));
    }

    /// The api_updated_at above which the newest 1% of the provider's documents lie.
    private static async Task<DateTimeOffset> RecentSinceAsync(PostgresEventStore store, Guid provider, long documents)
    {
        await using var cmd = store.DataSource.CreateCommand(
            "SELECT api_updated_at FROM lead_provider_participants WHERE lead_provider_id = $1 ORDER BY api_updated_at DESC OFFSET $2 LIMIT 1");
        cmd.Parameters.Add(new() { Value = provider });
        cmd.Parameters.Add(new() { Value = Math.Max(0, documents / 100 - 1) });
        return new DateTimeOffset((DateTime)(await cmd.ExecuteScalarAsync())!); // timestamptz comes back as a UTC DateTime
    }

    private static async Task<long> CountSinceAsync(PostgresEventStore store, Guid provider, DateTimeOffset since)
    {
        await using var cmd = store.DataSource.CreateCommand("SELECT count(*) FROM lead_provider_participants WHERE lead_provider_id = $1 AND api_updated_at >= $2");
        cmd.Parameters.Add(new() { Value = provider });
        cmd.Parameters.Add(new() { Value = since });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Follows links.next until <paramref name="depth"/> rows lie behind the cursor, in pages of up to 3000 (the
    /// API's maximum) so deep cursors are reached in few requests; the cursor does not depend on the page size.
    /// </summary>
    private static async Task<string?> WalkAsync(HttpClient http, TokenPool tokens, long depth, string filter)
    {
        string? cursor = null;
        long walked = 0;
        while (walked < depth)
        {
            var size = (int)Math.Min(3000, depth - walked);
            var path = $"/api/v3/participants?page[per_page]={size}{filter}" + (cursor is null ? "" : $"&page[cursor]={Uri.EscapeDataString(cursor)}");
            var body = await GetAsync(http, await tokens.NextAsync(), path);
            using var json = JsonDocument.Parse(body);
            walked += json.RootElement.GetProperty("data").GetArrayLength();
            if (!json.RootElement.TryGetProperty("links", out var links) || !links.TryGetProperty("next", out var next) || next.GetString() is not { } link) break;
            cursor = QueryHelpers.ParseQuery(new Uri(http.BaseAddress!, link).Query)["page[cursor]"].ToString();
        }
        return cursor;
    }

    private static async Task<Percentiles> TimeAsync(HttpClient http, TokenPool tokens, string path, int samples)
    {
        for (var i = 0; i < Math.Min(20, samples); i++) await GetAsync(http, await tokens.NextAsync(), path);
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var token = await tokens.NextAsync();
            var start = Stopwatch.GetTimestamp();
            await GetAsync(http, token, path);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Percentiles.Of(latencies);
    }

    private static async Task<byte[]> GetAsync(HttpClient http, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        return body;
    }

    /// <summary>The provider's tokens, a new one every <see cref="RequestsPerToken"/> requests (created before it is timed).</summary>
    private sealed class TokenPool(PostgresEventStore store, Guid provider)
    {
        private string? _token;
        private int _used;

        public async ValueTask<string> NextAsync()
        {
            if (_token is null || _used >= RequestsPerToken)
            {
                _token = await ApiTokens.CreateAsync(store.DataSource, $"lead-provider:{provider}", CancellationToken.None);
                _used = 0;
            }
            _used++;
            return _token;
        }
    }
}
