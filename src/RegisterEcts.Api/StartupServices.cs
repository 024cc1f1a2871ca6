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
        if (configuration.GetValue<bool>("RegisterEcts:MigrateOnStart"))
        {
            var applied = await store.MigrateAsync(ct);
            if (applied.Count > 0) logger.LogInformation("Applied schema migrations {Migrations}", applied);
        }
        await EnsureProjectionsCurrentAsync(ct);
    }

    /// <summary>
    /// An inline projection whose code version differs from the one that built its tables would be served
    /// stale. Either rebuild it blue/green before serving (RegisterEcts:RebuildStaleProjections = blue-green)
    /// or refuse to start, saying which rebuild to run.
    /// </summary>
    private async Task EnsureProjectionsCurrentAsync(CancellationToken ct)
    {
        List<InlineProjectionStatus> stale;
        try
        {
            stale = [.. (await ProjectionVersions.InlineAsync(store, ct)).Where(p => p.Stale)];
        }
        catch (Npgsql.NpgsqlException ex) when (!configuration.GetValue<bool>("RegisterEcts:MigrateOnStart"))
        {
            // Liveness must answer while the database is away; /health/ready reports it, and stale projections once it is back.
            logger.LogWarning(ex, "Could not check projection versions: the database is unreachable");
            return;
        }
        if (stale.Count == 0) return;
        var names = string.Join(", ", stale.Select(p => $"{p.Name} (tables at version {p.StoredVersion?.ToString() ?? "none"}, code at {p.CodeVersion})"));
        if (!string.Equals(configuration["RegisterEcts:RebuildStaleProjections"], "blue-green", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"Stale projections: {names}. Run `rects projections rebuild {string.Join(" ", stale.Select(p => p.Name))} --blue-green`, " +
                "or set RegisterEcts:RebuildStaleProjections=blue-green to rebuild them at start-up.");
        logger.LogWarning("Rebuilding stale projections blue/green before serving: {Projections}", names);
        var projections = store.InlineProjections.Where(p => stale.Any(s => s.Name == p.Name)).ToList();
        var result = await new BlueGreenRebuilder(store).RebuildAsync(projections, null, ct);
        logger.LogInformation("Rebuilt {Events} events; appends paused {PausedMs} ms at the switch", result.Events, result.AppendsPaused.TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Runs the async projections for as long as the host runs.</summary>
internal sealed class DaemonService(ProjectionDaemon daemon, PostgresEventStore store) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        store.AsyncProjections.Count == 0 ? Task.CompletedTask : daemon.RunAsync(TimeSpan.FromMilliseconds(250), stoppingToken);
}

/// <summary>
/// The daily jobs, shortly after midnight in England: the calendar roll-over, so date-driven statuses move (and
/// their api_updated_at with them) without anyone acting — a missed night is caught up by the next run — and
/// the statements whose cut-off date has passed become payable (as `rects statements payable` does).
/// </summary>
internal sealed class DailyRollOver(PostgresEventStore store, TimeProvider clock, IConfiguration configuration, ILogger<DailyRollOver> logger) : BackgroundService
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("RegisterEcts:DailyRollOver", true)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var local = TimeZoneInfo.ConvertTime(now, London);
            var next = new DateTimeOffset(local.Date.AddDays(1).AddMinutes(5), London.GetUtcOffset(local.Date.AddDays(1).AddMinutes(5)));
            await Task.Delay(next - now, clock, stoppingToken);
            try
            {
                var day = RegisterEcts.Calendar.BusinessCalendar.DateInEngland(clock.GetUtcNow());
                var days = await RegisterEcts.Calendar.RollOverDay.RunAsync(store, day, new EventContext(Actor.System("daily roll-over")), stoppingToken);
                logger.LogInformation("Rolled over {Days} day(s) to {Day}", days, day);
                // Statements whose cut-off has passed become payable, with their eligible declarations.
                var payable = await RegisterEcts.Statements.StatementStreams.MarkPayableAsync(store, day, new EventContext(Actor.System("daily statements")), stoppingToken);
                logger.LogInformation("{Statements} statement(s) made payable on {Day}", payable.Count, day);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Tomorrow's run catches up the missed day; the failure must be visible, not fatal.
                logger.LogError(ex, "Daily roll-over failed");
            }
        }
    }
}
