using RegisterEcts.EventStore;
using Xunit;

namespace RegisterEcts.Testing;

/// <summary>
/// An event store in a schema of its own, so a test class never sees another's rows.
/// Derive and override <see cref="Configure"/> to register event types and projections.
/// </summary>
public class StoreFixture : IAsyncLifetime
{
    public StoreFixture() => Schema = TestDatabase.NewSchemaName(GetType().Name);

    public string Schema { get; }

    public PostgresEventStore Store { get; private set; } = null!;

    protected virtual void Configure(EventStoreOptions options) { }

    public PostgresEventStore CreateStore(Action<EventStoreOptions>? configure = null)
    {
        var options = new EventStoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = Schema };
        Configure(options);
        configure?.Invoke(options);
        return new PostgresEventStore(options);
    }

    public virtual async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.MigrateAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (Store is null) return;
        await Store.DisposeAsync();
        await TestDatabase.DropSchemaAsync(Schema);
    }
}
