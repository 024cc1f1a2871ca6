using NpgsqlTypes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_a_rebuild_copies_rows : StoreFixture
{
    private readonly CopyingProjection _projection = new();

    protected override void Configure(EventStoreOptions options)
    {
        TestEvents.Register(options);
        options.Migrations.Add(new Migration("tests/0001_copied_teachers", "CREATE TABLE copied_teachers (teacher_id uuid PRIMARY KEY, name text NOT NULL, status text NOT NULL)"));
        options.InlineProjections.Add(_projection);
    }

    [Fact]
    public async Task the_copied_rows_are_in_the_table_before_the_statements_of_their_page_run()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            var id = Guid.CreateVersion7();
            ids.Add(id);
            await Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id, $"Teacher {i}"), new Deferred(id, "other", new DateOnly(2026, 1, 1))], Context);
        }

        // Pages of 7 split some teachers' two events across pages: the UPDATE then meets a row copied by an earlier page.
        var replayed = await new ProjectionRebuilder(Store, batchSize: 7).RebuildAsync(_projection);

        replayed.ShouldBe(60);
        var rows = new List<string>();
        await using var cmd = Store.DataSource.CreateCommand("SELECT teacher_id, name, status FROM copied_teachers ORDER BY name");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add($"{reader.GetGuid(0)}|{reader.GetString(1)}|{reader.GetString(2)}");
        rows.ShouldBe(ids.Select((id, i) => $"{id}|Teacher {i}|deferred").OrderBy(r => r.Split('|')[1]));
    }

    [Fact]
    public async Task an_inline_append_cannot_copy()
    {
        var id = Guid.CreateVersion7();
        _projection.CopyInline = true;
        try
        {
            var error = await Should.ThrowAsync<InvalidOperationException>(() =>
                Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id)], Context));
            error.Message.ShouldContain("rebuilds only");
        }
        finally
        {
            _projection.CopyInline = false;
        }
    }

    /// Inserts by COPY in a rebuild and by INSERT inline; a deferral is always an UPDATE.
    private sealed class CopyingProjection : IProjection
    {
        public bool CopyInline { get; set; }

        public string Name => "copied_teachers";

        public IReadOnlyList<string> Tables => ["copied_teachers"];

        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            foreach (var e in events)
            {
                switch (e.Data)
                {
                    case TeacherRegistered r when context.IsRebuild || CopyInline:
                        context.Copy("copied_teachers", ("teacher_id", NpgsqlDbType.Uuid), ("name", NpgsqlDbType.Text), ("status", NpgsqlDbType.Text))
                            .Add(r.TeacherId, r.Name, "registered");
                        break;
                    case TeacherRegistered r:
                        context.Enqueue("INSERT INTO copied_teachers (teacher_id, name, status) VALUES ($1, $2, 'registered')", r.TeacherId, r.Name);
                        break;
                    case Deferred d:
                        context.Enqueue("UPDATE copied_teachers SET status = 'deferred' WHERE teacher_id = $1", d.TeacherId);
                        break;
                }
            }
            return ValueTask.CompletedTask;
        }
    }
}
