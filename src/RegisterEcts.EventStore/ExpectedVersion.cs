namespace RegisterEcts.EventStore;

/// <summary>What the writer believes about a stream's version when it appends.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>-1 any, 0 no stream, n exactly n; the encoding <c>es_append</c> takes.</summary>
    internal long Value { get; }

    /// <summary>Append whatever the stream's version is.</summary>
    public static ExpectedVersion Any { get; } = new(-1);

    /// <summary>The stream must not exist yet: starts a stream.</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    /// <summary>The stream must be at exactly this version (0 means it must not exist).</summary>
    public static ExpectedVersion Exactly(long version) =>
        version >= 0 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version), version, "A stream version is 0 or more.");

    public override string ToString() => Value switch { -1 => "any", 0 => "no stream", var v => v.ToString() };
}
