using RegisterEcts.EventStore.Projections;
using RegisterEcts.Testing;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_a_projection_is_rebuilt_blue_green : TeacherStatusStore
{
    [Fact]
    public async Task appends_carry_on_meanwhile_and_the_switched_tables_equal_a_full_replay()
    {
        var ids = await AppendCareers(300);
        await using (var corrupt = Store.DataSource.CreateCommand("UPDATE teacher_status SET status = 'wrong' WHERE teacher_id = $1"))
        {
            corrupt.Parameters.Add(new() { Value = ids[0] });
            await corrupt.ExecuteNonQueryAsync();
        }
        var (result, appended) = await TeacherStatusCareers.WhileResumingAsync(Store, ids,
            () => new BlueGreenRebuilder(Store, batchSize: 40) { SwitchBelow = 20 }.RebuildAsync([Projection]));

        appended.ShouldBeGreaterThan(0);
        result.Events.ShouldBeGreaterThanOrEqualTo(900);
        var live = await Snapshot();
        live.ShouldNotContain(r => r.Contains("|wrong|"));
        await new ProjectionRebuilder(Store).RebuildAsync(Projection);
        (await Snapshot()).ShouldBe(live);
        await using var schemas = Store.DataSource.CreateCommand("SELECT count(*) FROM pg_namespace WHERE nspname = $1");
        schemas.Parameters.Add(new() { Value = Schema + "_next" });
        ((long)(await schemas.ExecuteScalarAsync())!).ShouldBe(0);
    }

    [Fact]
    public async Task a_new_code_version_is_reported_stale_until_rebuilt()
    {
        await AppendCareers(5);
        (await ProjectionVersions.InlineAsync(Store)).Single().Stale.ShouldBeFalse();

        await using var next = CreateStore(o => o.InlineProjections[0] = new Versioned(Projection, 2));
        var status = (await ProjectionVersions.InlineAsync(next)).Single();
        status.ShouldBe(new InlineProjectionStatus("teacher_status", 2, 1, true));

        await new BlueGreenRebuilder(next).RebuildAsync(next.InlineProjections);
        (await ProjectionVersions.InlineAsync(next)).Single().ShouldBe(new InlineProjectionStatus("teacher_status", 2, 2, false));
        (await Snapshot()).Count.ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task the_switched_tables_keep_the_statistics_targets_the_migrations_gave_their_columns()
    {
        await AppendCareers(5);
        await using (var alter = Store.DataSource.CreateCommand("ALTER TABLE teacher_status ALTER COLUMN status SET STATISTICS 0"))
            await alter.ExecuteNonQueryAsync();

        await new BlueGreenRebuilder(Store).RebuildAsync([Projection]);

        await using var target = Store.DataSource.CreateCommand(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'teacher_status'::regclass AND attname = 'status'");
        Convert.ToInt32(await target.ExecuteScalarAsync()).ShouldBe(0);
    }

    private sealed class Versioned(IProjection inner, int version) : IProjection
    {
        public string Name => inner.Name;
        public int Version => version;
        public IReadOnlyList<string> Tables => inner.Tables;
        public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct) => inner.ApplyAsync(events, context, ct);
    }

}
