namespace RegisterEcts.EventStore;

/// <summary>An event as the store holds it: the body plus where and when it was recorded.</summary>
public sealed record RecordedEvent(
    long Sequence,
    Guid Id,
    Guid StreamId,
    string StreamType,
    long Version,
    string TypeName,
    object Data,
    EventMetadata Metadata,
    DateTimeOffset RecordedAt);

/// <summary>Events to append to one stream.</summary>
public sealed record StreamAppend(Guid StreamId, string StreamType, ExpectedVersion Expected, IReadOnlyList<object> Events);

/// <summary>What an append wrote, in order, with sequence numbers and versions.</summary>
public sealed record AppendResult(IReadOnlyList<RecordedEvent> Events)
{
    public long VersionOf(Guid streamId) => Events.Where(e => e.StreamId == streamId).Max(e => e.Version);
}

/// <summary>A stream read from the store.</summary>
/// <param name="Version">The version of the last event read (0 when the stream does not exist).</param>
public sealed record StreamSlice(Guid StreamId, long Version, IReadOnlyList<RecordedEvent> Events)
{
    public bool Exists => Version > 0;
}
