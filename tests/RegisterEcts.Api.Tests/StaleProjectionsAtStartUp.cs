using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using RegisterEcts.Testing;

namespace RegisterEcts.Api.Tests;

/// <summary>A deploy whose projection code no longer matches its tables is not served stale.</summary>
public class when_a_projection_is_stale_at_start_up : IAsyncLifetime
{
    private string _schema = "";

    private sealed class Host(string schema, string? rebuild) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:RegisterEcts", TestDatabase.ConnectionString);
            builder.UseSetting("RegisterEcts:Schema", schema);
            builder.UseSetting("RegisterEcts:MigrateOnStart", "true");
            if (rebuild is not null) builder.UseSetting("RegisterEcts:RebuildStaleProjections", rebuild);
        }
    }

    public async Task InitializeAsync()
    {
        // A store with events in it; disposing the host keeps its schema (only the fixture's lifetime drops it).
        await using var first = new ApiWithSchools();
        await first.InitializeAsync();
        _schema = first.Schema;
    }

    [Fact]
    public async Task the_app_refuses_to_start_and_names_the_rebuild_to_run_or_rebuilds_blue_green_when_told_to()
    {
        await StoredVersion("teacher_timeline", 0);

        await using (var refusing = new Host(_schema, rebuild: null))
        {
            var error = Should.Throw<InvalidOperationException>(() => refusing.CreateClient());
            error.Message.ShouldContain("teacher_timeline (tables at version 0, code at 1)");
            error.Message.ShouldContain("rects projections rebuild teacher_timeline --blue-green");
        }

        await using (var rebuilding = new Host(_schema, rebuild: "blue-green"))
        {
            var health = await rebuilding.CreateClient().GetAsync("/health");
            health.IsSuccessStatusCode.ShouldBeTrue();
        }
        (await StoredVersionOf("teacher_timeline")).ShouldBe(1);
    }

    private async Task StoredVersion(string projection, int version)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO "{_schema}".es_projection_progress (name, version) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET version = excluded.version
            """, conn);
        cmd.Parameters.Add(new() { Value = projection });
        cmd.Parameters.Add(new() { Value = version });
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<int> StoredVersionOf(string projection)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""SELECT version FROM "{_schema}".es_projection_progress WHERE name = $1""", conn);
        cmd.Parameters.Add(new() { Value = projection });
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public Task DisposeAsync() => TestDatabase.DropSchemaAsync(_schema);
}
