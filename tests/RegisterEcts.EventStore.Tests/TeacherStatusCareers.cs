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
