using RegisterEcts.EventStore;
using RegisterEcts.Reference;

namespace RegisterEcts.Api.Reference;

/// <summary>
/// Reference data changes a few times a year but every command needs it: keep the folded stream and
/// reload only when the stream's version has moved (one indexed row read instead of the whole stream).
/// </summary>
public sealed class ReferenceCache(PostgresEventStore store)
{
    private sealed record Snapshot(ReferenceData Data, long Version);

    private volatile Snapshot? _current;

    public async Task<ReferenceData> GetAsync(CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand("SELECT version FROM es_streams WHERE id = $1");
        cmd.Parameters.Add(new() { Value = ReferenceStream.Id });
        var version = await cmd.ExecuteScalarAsync(ct) is long v ? v : 0;
        if (_current is { } current && current.Version == version) return current.Data;
        var (data, loaded) = await ReferenceStream.LoadAsync(store, ct);
        _current = new Snapshot(data, loaded);
        return data;
    }
}
