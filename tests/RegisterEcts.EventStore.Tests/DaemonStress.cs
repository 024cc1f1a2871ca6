using System.Collections.Concurrent;
using Npgsql;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

/// <summary>
/// The failure Marten's daemon had for years: commits landing out of sequence order, rolled-back
/// appends leaving holes, and slow commits that a timer decided were dead. None of it may make the
/// daemon skip or reorder a stream's events.
/// </summary>
public class when_writers_race_roll_back_and_commit_slowly_while_the_daemon_runs : StoreFixture
{
    private const int Writers = 8;
    private static readonly TimeSpan WriteFor = TimeSpan.FromSeconds(6);

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_teacher_status", TeacherStatusProjection.Table));
    }

    [Fact]
    public async Task the_async_projection_ends_equal_to_a_fold_of_the_committed_events_per_stream()
    {
        await using var writerStore = CreateStore(o => o.InlineProjections.Add(new Chaos()));
        await using var daemonStore = CreateStore(o => o.AsyncProjections.Add(new TeacherStatusProjection()));
        var daemon = new ProjectionDaemon(daemonStore, batchSize: 50);
        using var stopDaemon = new CancellationTokenSource();
        var daemonRun = daemon.RunAsync(TimeSpan.FromMilliseconds(5), stopDaemon.Token);

        var shared = Enumerable.Range(0, 16).Select(_ => Guid.CreateVersion7()).ToArray();
        var committed = new ConcurrentBag<RecordedEvent>();
        var rolledBack = 0;
        var deadline = DateTime.UtcNow + WriteFor;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var own = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7()).ToArray();
            while (DateTime.UtcNow < deadline)
            {
                // Mostly single-stream appends to the writer's own streams; some two-stream appends to
                // streams every writer shares, so locks are contended and commits interleave.
                IReadOnlyList<StreamAppend> append = random.Next(5) == 0
                    ? shared.OrderBy(_ => random.Next()).Take(2).Select(s => new StreamAppend(s, "teacher", ExpectedVersion.Any, [Training(s)])).ToList()
                    : [new StreamAppend(own[random.Next(own.Length)], "teacher", ExpectedVersion.Any, Enumerable.Range(0, 1 + random.Next(3)).Select(_ => (object)Training(Guid.Empty)).ToList())];
                try
                {
                    foreach (var e in (await writerStore.AppendAsync(append, Context)).Events) committed.Add(e);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref rolledBack);
                }
            }
        })));

        await Task.Delay(200);
        await stopDaemon.CancelAsync();
        await daemonRun;
        await daemon.CatchUpAsync();

        rolledBack.ShouldBeGreaterThan(0);
        committed.Count.ShouldBeGreaterThan(500);
        var expected = committed.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.Select(e => e.Version).Order().ToArray());
        foreach (var (stream, versions) in expected)
            versions.ShouldBe(Enumerable.Range(1, versions.Length).Select(v => (long)v).ToArray(), $"the store itself lost a version of {stream}");
        var projected = await Projected(daemonStore);
        projected.Keys.ShouldBe(expected.Keys, ignoreOrder: true);
        foreach (var (stream, versions) in expected)
            projected[stream].ShouldBe(versions, $"stream {stream} was projected out of order, with a gap or twice");
        await using var holes = daemonStore.DataSource.CreateCommand("SELECT last_value - count(*) FROM es_events_seq, es_events GROUP BY last_value");
        ((long)(await holes.ExecuteScalarAsync())!).ShouldBeGreaterThan(0, "rolled-back appends should have left holes in the sequence");
    }

    private static async Task<Dictionary<Guid, long[]>> Projected(PostgresEventStore store)
    {
        var result = new Dictionary<Guid, long[]>();
        await using var cmd = store.DataSource.CreateCommand("SELECT teacher_id, versions FROM teacher_status");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetGuid(0)] = reader.GetFieldValue<long[]>(1);
        return result;
    }

    /// <summary>Rolls back about one append in eight after its sequence numbers are drawn, and holds about one in six open before commit.</summary>
    private sealed class Chaos : IProjection
    {
        public string Name => "chaos";

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            var roll = Random.Shared.Next(48);
            if (roll < 6) throw new InvalidOperationException("rolled back on purpose");
            if (roll < 14) context.Enqueue(new NpgsqlBatchCommand($"SELECT pg_sleep({Random.Shared.Next(5, 60) / 1000.0})"));
            return ValueTask.CompletedTask;
        }
    }
}
