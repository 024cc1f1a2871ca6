using RegisterEcts.EventStore;
using RegisterEcts.Api.Http;
using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.Api;

public static class ServiceRegistration
{
    public static WebApplicationBuilder AddRegisterEcts(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("RegisterEcts")
            ?? throw new InvalidOperationException("ConnectionStrings:RegisterEcts is not set. build/run.sh sets it for the embedded PostgreSQL.");
        var schema = builder.Configuration["RegisterEcts:Schema"] ?? RegisterEctsStore.DefaultSchema;

        builder.Services.AddSingleton(_ => RegisterEctsStore.Create(connectionString, schema));
        builder.Services.AddSingleton(sp => new ProjectionDaemon(sp.GetRequiredService<PostgresEventStore>()));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<StartupMigration>();
        builder.Services.AddHostedService<DaemonService>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.AddTelemetry();
        return builder;
    }
}
