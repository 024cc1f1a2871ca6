using System.Text.Json;
using RegisterEcts.EventStore.Serialization;

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
    DateTimeOffset RecordedAt)
{
    // Read events keep their metadata as the UTF-8 JSON the database sent and parse it on first use: most
    // consumers (folds, most projections, rebuilds) never look at it, and parsing it cost as much as the body.
    private byte[]? _metadataJson;
    private EventMetadata? _metadata = Metadata;

    internal RecordedEvent(long sequence, Guid id, Guid streamId, string streamType, long version, string typeName, object data, byte[] metadataJson,
        DateTimeOffset recordedAt)
        : this(sequence, id, streamId, streamType, version, typeName, data, (EventMetadata)null!, recordedAt) => _metadataJson = metadataJson;

    public EventMetadata Metadata
    {
        get => _metadata ??= EventMetadata.FromJson(_metadataJson);
        init => (_metadata, _metadataJson) = (value, null);
    }

    // Equal when what they say is equal, whether or not the metadata has been parsed yet.
    public bool Equals(RecordedEvent? other) =>
        other is not null && Sequence == other.Sequence && Id == other.Id && StreamId == other.StreamId && StreamType == other.StreamType &&
        Version == other.Version && TypeName == other.TypeName && Equals(Data, other.Data) && Metadata == other.Metadata && RecordedAt == other.RecordedAt;

    public override int GetHashCode() => HashCode.Combine(Sequence, Id, StreamId, Version, TypeName);
}

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
