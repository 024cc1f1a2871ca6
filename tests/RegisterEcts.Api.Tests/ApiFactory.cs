using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using RegisterEcts.Testing;

namespace RegisterEcts.Api.Tests;

/// <summary>The real API host on a schema of its own in the real PostgreSQL.</summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string Schema { get; } = TestDatabase.NewSchemaName("api");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:RegisterEcts", TestDatabase.ConnectionString);
        builder.UseSetting("RegisterEcts:Schema", Schema);
        builder.UseSetting("RegisterEcts:MigrateOnStart", "true");
    }

    /// <summary>Derived fixtures seed their world here; the host (and its migrations) start on first use.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TestDatabase.DropSchemaAsync(Schema);
    }
}
