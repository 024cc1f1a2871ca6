using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.Api;

/// <summary>
/// Migrates on start-up only where configured (development, tests). Production runs `rects db migrate`
/// as a deliberate step, so no DDL ever lands on hot tables because a pod restarted.
/// </summary>
internal sealed class StartupMigration(PostgresEventStore store, IConfiguration configuration, ILogger<StartupMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!configuration.GetValue<bool>("RegisterEcts:MigrateOnStart")) return;
        var applied = await store.MigrateAsync(ct);
        if (applied.Count > 0) logger.LogInformation("Applied schema migrations {Migrations}", applied);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Runs the async projections for as long as the host runs.</summary>
internal sealed class DaemonService(ProjectionDaemon daemon, PostgresEventStore store) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        store.AsyncProjections.Count == 0 ? Task.CompletedTask : daemon.RunAsync(TimeSpan.FromMilliseconds(250), stoppingToken);
}
