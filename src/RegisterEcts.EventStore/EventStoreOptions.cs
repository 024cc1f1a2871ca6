using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.EventStore;

public sealed class EventStoreOptions
{
    public required string ConnectionString { get; init; }

    /// <summary>The PostgreSQL schema for the store's tables and every projection table.</summary>
    public string Schema { get; init; } = "public";

    public EventTypeRegistry Events { get; } = new();

    /// <summary>Run inside every append transaction, in registration order.</summary>
    public List<IProjection> InlineProjections { get; } = [];

    /// <summary>Run by the <see cref="Projections.ProjectionDaemon"/>.</summary>
    public List<IProjection> AsyncProjections { get; } = [];

    /// <summary>Schema scripts of the application (projection tables), applied after the store's own.</summary>
    public List<Migration> Migrations { get; } = [];
}
