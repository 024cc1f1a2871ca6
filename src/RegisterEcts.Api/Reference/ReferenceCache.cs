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
        var version = await store.StreamVersionAsync(ReferenceStream.Id, ct);
        if (_current is { } current && current.Version == version) return current.Data;
        var (data, loaded) = await ReferenceStream.LoadAsync(store, ct);
        _current = new Snapshot(data, loaded);
        return data;
    }
}
