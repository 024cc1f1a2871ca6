namespace RegisterEcts.EventStore;

/// <summary>A stream was not at the version the writer expected. Nothing was written.</summary>
public sealed class StreamConflictException(Guid streamId, ExpectedVersion expected, long actual)
    : Exception($"Stream {streamId} was expected at version {expected} but is at version {actual}.")
{
    public Guid StreamId { get; } = streamId;
    public ExpectedVersion Expected { get; } = expected;
    public long ActualVersion { get; } = actual;
}

/// <summary>An event type name found in the store that no registration or upcaster knows.</summary>
public sealed class UnknownEventTypeException(string typeName, long sequence)
    : Exception($"Event {sequence} has type '{typeName}', which is not registered and has no upcaster. Register it with EventTypeRegistry.Map or Upcast.")
{
    public string TypeName { get; } = typeName;
    public long Sequence { get; } = sequence;
}
