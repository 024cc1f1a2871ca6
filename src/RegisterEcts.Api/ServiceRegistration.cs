using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.OpenApi;
using RegisterEcts.Api.Auth;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.LeadProviders.V3;
using RegisterEcts.Api.Reference;
using RegisterEcts.EventStore;
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
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<RequestClock>();
        builder.Services.AddSingleton<ReferenceCache>();
        builder.Services.AddHostedService<StartupMigration>();
        builder.Services.AddHostedService<DaemonService>();
        builder.Services.AddHostedService<DailyRollOver>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
            // A missing required field is a 400, not a silent default (0001-01-01, an empty id).
            json.RespectRequiredConstructorParameters = true;
            json.RespectNullableAnnotations = true;
        });
        // Unreadable bodies become BadHttpRequestException, which ProblemExceptionHandler answers with a 400 problem.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            // Every /api route needs a bearer token; say so once for the whole document.
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerTokenHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "A token from `rects tokens create --scope school:URN|appropriate-body:ID|support|admin`.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerTokenHandler.SchemeName, document)] = [] }];
            return Task.CompletedTask;
        }));
        builder.AddLeadProviderApi();
        builder.AddTelemetry();
        return builder;
    }
}
