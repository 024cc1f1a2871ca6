using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore;

namespace RegisterEcts.Benchmarks;

/// <summary>
/// W1 append: streams processed one after another, one event per transaction at its exact expected
/// version; with N writers each owns a disjoint 1/N of the streams.
/// </summary>
public static class W1Append
{
    private static readonly EventContext Context = new(Actor.System("benchmark"));

    public static async Task<double> RunAsync(PostgresEventStore store, int streams, int writers)
    {
        await TruncateAsync(store);
        await AppendStreams(store, Math.Min(200, streams), writers); // warm-up: pool, plans, JIT
        await TruncateAsync(store);

        var watch = Stopwatch.StartNew();
        var events = await AppendStreams(store, streams, writers);
        return events / watch.Elapsed.TotalSeconds;
    }

    public static async Task<double> RunRawAsync(PostgresEventStore store, int streams, int writers)
    {
        await TruncateAsync(store);
        await RawInserts(store, Math.Min(200, streams), writers);
        await TruncateAsync(store);

        var watch = Stopwatch.StartNew();
        var rows = await RawInserts(store, streams, writers);
        return rows / watch.Elapsed.TotalSeconds;
    }

    private static async Task<int> AppendStreams(PostgresEventStore store, int streams, int writers)
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var count = 0;
            for (var n = w; n < streams; n += writers)
            {
                var id = Guid.CreateVersion7();
                var career = W1.Career(id, n);
                for (var v = 0; v < career.Length; v++, count++)
                    await store.AppendAsync(id, "teacher", ExpectedVersion.Exactly(v), [career[v]], Context);
            }
            return count;
        })));
        return counts.Sum();
    }

    private static async Task<int> RawInserts(PostgresEventStore store, int streams, int writers)
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var count = 0;
            await using var conn = await store.DataSource.OpenConnectionAsync();
            for (var n = w; n < streams; n += writers)
            {
                var id = Guid.CreateVersion7();
                var career = W1.Career(id, n);
                for (var v = 0; v < career.Length; v++, count++)
                {
                    await using var cmd = new NpgsqlCommand("INSERT INTO raw_w1 (event_id, stream_id, version, type, data) VALUES ($1, $2, $3, $4, $5)", conn)
                    {
                        Parameters =
                        {
                            new() { Value = Guid.CreateVersion7() },
                            new() { Value = id },
                            new() { Value = (long)v + 1 },
                            new() { Value = career[v].GetType().Name },
                            new() { Value = System.Text.Json.JsonSerializer.Serialize(career[v], career[v].GetType(), RegisterEcts.EventStore.Serialization.EventTypeRegistry.JsonOptions), NpgsqlDbType = NpgsqlDbType.Jsonb },
                        },
                    };
                    await cmd.ExecuteNonQueryAsync();
                }
            }
            return count;
        })));
        return counts.Sum();
    }

    private static async Task TruncateAsync(PostgresEventStore store)
    {
        // No ANALYZE here: statistics that say "empty" make the planner choose sequential scans that the
        // append's cached plans would then keep while the tables grow (measured: the 8-writer run fell to
        // the 1-writer figure). TRUNCATE leaves the statistics unknown, which plans index scans.
        await using var cmd = store.DataSource.CreateCommand("TRUNCATE es_events, es_streams, w1_teacher_status, raw_w1");
        await cmd.ExecuteNonQueryAsync();
    }
}
