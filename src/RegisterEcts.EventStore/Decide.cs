namespace RegisterEcts.EventStore;

/// <summary>What a command wrote: nothing (a no-op), or events and the stream's new version.</summary>
public sealed record DecideResult<TState>(TState State, long Version, IReadOnlyList<RecordedEvent> Events)
{
    public bool Changed => Events.Count > 0;
}

/// <summary>The one command path: load the stream, fold it, decide, append at the version loaded.</summary>
public static class DecideExtensions
{
    /// <param name="expected">
    /// When the caller already holds a version (an If-Match header, say), a stream that has moved since
    /// fails fast instead of deciding on newer state the caller never saw.
    /// </param>
    public static async Task<DecideResult<TState>> DecideAsync<TState>(
        this PostgresEventStore store,
        Guid streamId,
        string streamType,
        TState initial,
        Func<TState, object, TState> evolve,
        Func<TState, IReadOnlyList<object>> decide,
        EventContext context,
        CancellationToken ct = default,
        long? expected = null)
    {
        var slice = await store.ReadStreamAsync(streamId, ct: ct);
        if (expected is { } version && version != slice.Version)
            throw new StreamConflictException(streamId, ExpectedVersion.Exactly(version), slice.Version);
        var state = slice.Events.Aggregate(initial, (s, e) => evolve(s, e.Data));
        var events = decide(state);
        if (events.Count == 0)
            return new DecideResult<TState>(state, slice.Version, []);
        var result = await store.AppendAsync(streamId, streamType, ExpectedVersion.Exactly(slice.Version), events, context, ct);
        var newState = events.Aggregate(state, evolve);
        return new DecideResult<TState>(newState, result.VersionOf(streamId), result.Events);
    }
}
