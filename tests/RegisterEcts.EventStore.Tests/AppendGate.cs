using Npgsql;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_a_blue_green_switch_holds_the_append_gate(TestStoreFixture fixture) : IClassFixture<TestStoreFixture>
{
    private readonly PostgresEventStore _store = fixture.Store;

    // One event goes through es_append_one, two through es_append: both must stop at the gate.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task an_append_waits_at_the_gate_and_commits_once_it_is_released(int events)
    {
        var id = Guid.CreateVersion7();
        await using var gate = await _store.DataSource.OpenConnectionAsync();
        await using var tx = await gate.BeginTransactionAsync();
        await _store.HoldAppendGateAsync(gate);

        var append = _store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, events == 1 ? [Registered(id)] : [Registered(id), Training(id)], Context);
        await UntilAnAppendWaitsAtTheGate(gate, tx);

        append.IsCompleted.ShouldBeFalse();
        (await _store.StreamVersionAsync(id)).ShouldBe(0);
        await tx.CommitAsync();
        (await append).VersionOf(id).ShouldBe(events);
    }

    private async Task UntilAnAppendWaitsAtTheGate(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        await using var waiting = new NpgsqlCommand(
            """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'relation' AND NOT granted AND relation = to_regclass($1)
            """, conn, tx) { Parameters = { new() { Value = $"\"{_store.Schema}\".es_streams" } } };
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if ((long)(await waiting.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(50);
        }
        throw new ShouldAssertException("No append waited at the append gate within 10 seconds.");
    }
}
