using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

/// <summary>A store with the inline teacher_status projection, for the rebuild tests.</summary>
public abstract class TeacherStatusStore : StoreFixture
{
    protected readonly TeacherStatusProjection Projection = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_teacher_status", TeacherStatusProjection.Table));
        options.InlineProjections.Add(Projection);
    }

    protected Task<List<Guid>> AppendCareers(int count) => TeacherStatusCareers.AppendAsync(Store, count);

    protected Task<List<string>> Snapshot() => TeacherStatusCareers.SnapshotAsync(Store);
}

/// <summary>Short careers for the teacher_status projection, and the table as rows to compare, for the rebuild tests.</summary>
public static class TeacherStatusCareers
{
    public static async Task<List<Guid>> AppendAsync(PostgresEventStore store, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7();
            ids.Add(id);
            await store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id), new Deferred(id, "other", new DateOnly(2026, 1, 1))], Context);
        }
        return ids;
    }

    /// <summary>
    /// Runs <paramref name="during"/> while three writers append resumptions to the teachers (expected version
    /// "any"), starting a moment before and stopping a moment after. Returns what it returned and how many were appended.
    /// </summary>
    public static async Task<(T Result, int Appended)> WhileResumingAsync<T>(PostgresEventStore store, List<Guid> ids, Func<Task<T>> during)
    {
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var appended = 0;
            for (var i = w; !stop.IsCancellationRequested; i += 3, appended++)
            {
                var id = ids[i % ids.Count];
                await store.AppendAsync(id, "teacher", ExpectedVersion.Any, [new Resumed(id, new DateOnly(2026, 3, 1))], Context);
            }
            return appended;
        })).ToList();

        await Task.Delay(30);
        var result = await during();
        await Task.Delay(30);
        await stop.CancelAsync();
        return (result, (await Task.WhenAll(writers)).Sum());
    }

    public static async Task<List<string>> SnapshotAsync(PostgresEventStore store)
    {
        var rows = new List<string>();
        await using var cmd = store.DataSource.CreateCommand("SELECT teacher_id, name, status, version, last_seq, versions FROM teacher_status ORDER BY teacher_id");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add($"{reader.GetGuid(0)}|{reader.GetString(1)}|{reader.GetString(2)}|{reader.GetInt64(3)}|{reader.GetInt64(4)}|{string.Join(',', reader.GetFieldValue<long[]>(5))}");
        return rows;
    }
}
