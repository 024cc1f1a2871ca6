using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.Api.Health;

public static class HealthEndpoints
{
    public sealed record Health(string Status, IReadOnlyList<ProjectionHealth>? Projections = null);

    public sealed record ProjectionHealth(string Name, string State, long Lag, string? Error);

    /// <summary>Beyond this many unapplied events a replica is not ready to serve reads.</summary>
    private const long MaxLag = 10_000;

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");

        group.MapGet("", () => TypedResults.Ok(new Health("alive")))
            .WithSummary("The process is up.");

        group.MapGet("/ready", async Task<Results<Ok<Health>, ProblemHttpResult>> (ProjectionDaemon daemon, RegisterEcts.EventStore.PostgresEventStore store, CancellationToken ct) =>
        {
            IReadOnlyList<ProjectionStatus> projections;
            IReadOnlyList<InlineProjectionStatus> inline;
            try
            {
                projections = await daemon.StatusAsync(ct);
                inline = await ProjectionVersions.InlineAsync(store, ct);
            }
            catch (NpgsqlException ex)
            {
                return TypedResults.Problem(title: "The database is unreachable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var health = inline.Select(p => new ProjectionHealth(p.Name, p.Stale ? "stale" : "running", 0, p.Stale ? $"tables at version {p.StoredVersion?.ToString() ?? "none"}, code at {p.CodeVersion}" : null))
                .Concat(projections.Select(p => new ProjectionHealth(p.Name, p.State, p.Lag, p.Error))).ToList();
            var unhealthy = health.Where(p => p.State != "running" || p.Lag > MaxLag).ToList();
            return unhealthy.Count == 0
                ? TypedResults.Ok(new Health("ready", health))
                : TypedResults.Problem(title: "Projections are stale, paused or behind",
                    detail: string.Join("; ", unhealthy.Select(p => $"{p.Name}: {p.State}, {p.Lag} events behind{(p.Error is null ? "" : ", " + p.Error)}")),
                    statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithSummary("The database answers and no projection is stale, paused or far behind.");
    }
}
