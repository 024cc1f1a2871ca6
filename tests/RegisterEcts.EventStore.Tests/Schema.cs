using RegisterEcts.Testing;

namespace RegisterEcts.EventStore.Tests;

public class when_migrating_the_schema : StoreFixture
{
    [Fact]
    public async Task a_second_run_applies_nothing()
    {
        (await Store.MigrateAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task every_object_lives_in_the_configured_schema()
    {
        await using var cmd = Store.DataSource.CreateCommand(
            "SELECT array_agg(table_name::text ORDER BY table_name) FROM information_schema.tables WHERE table_schema = $1");
        cmd.Parameters.Add(new() { Value = Schema });
        ((string[])(await cmd.ExecuteScalarAsync())!).ShouldBe(["es_events", "es_migrations", "es_personal_keys", "es_projection_progress", "es_streams"]);
    }

    [Fact]
    public async Task migrators_started_together_apply_each_script_once()
    {
        var schema = TestDatabase.NewSchemaName("concurrent");
        try
        {
            var stores = Enumerable.Range(0, 4).Select(_ => new PostgresEventStore(new EventStoreOptions { ConnectionString = TestDatabase.ConnectionString, Schema = schema })).ToList();
            var applied = await Task.WhenAll(stores.Select(s => s.MigrateAsync()));
            applied.Sum(a => a.Count).ShouldBe(SchemaMigrator.EventStoreMigrations.Count());
            foreach (var s in stores) await s.DisposeAsync();
        }
        finally
        {
            await TestDatabase.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task a_script_may_run_longer_than_the_connections_command_timeout()
    {
        // A migration on a large database (a column's type changed on a million rows) takes minutes, not seconds.
        var options = new EventStoreOptions
        {
            ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { CommandTimeout = 1 }.ConnectionString,
            Schema = Schema,
        };
        options.Migrations.Add(new Migration("tests/0001_slow", "SELECT pg_sleep(1.5)"));
        await using var store = new PostgresEventStore(options);

        (await store.MigrateAsync()).ShouldBe(["tests/0001_slow"]);
    }
}
