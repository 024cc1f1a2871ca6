using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using RegisterEcts.Api.Auth;

namespace RegisterEcts.Api.LeadProviders.V3;

/// <summary>
/// The lead provider API v3 (rect-api-v3): a route group under /api/v3 for `lead-provider:ID` tokens, the
/// reference service's error shapes, a rate limit per token, its own OpenAPI document and Swagger UI.
/// </summary>
public static class LeadProviderApi
{
    public const string RateLimitPolicy = "lead-provider-v3";
    public const string DocumentName = "v3";

    public static bool IsV3(PathString path) => path.StartsWithSegments("/api/v3");

    public static WebApplicationBuilder AddLeadProviderApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // First in line, so problems under /api/v3 are written the v3 way before the RFC 7807 writer is asked.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, V3ProblemWriter>());

        // 1000 requests per 5 minutes per Authorization header, as the reference's Rack::Attack rule.
        var limit = builder.Configuration.GetValue("RegisterEcts:LeadProviderApi:RateLimit", 1000);
        var window = builder.Configuration.GetValue("RegisterEcts:LeadProviderApi:RateLimitWindow", TimeSpan.FromMinutes(5));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Request.Headers.Authorization.ToString(),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0 }));
            options.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.Response.WriteAsJsonAsync(
                    new V3Errors([new("Too many requests", $"You may make {limit} requests every {window.TotalMinutes:0.##} minutes. Retry later.")]),
                    V3Json.Options, ct);
            };
        });

        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.GroupName == DocumentName;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Register early career teachers: lead provider API",
                    Version = "v3",
                    Description = "Compatible with the reference service's /api/v3. Lists take page[page] and page[per_page] (100 by default, at most 3000) "
                        + "or page[cursor] from links.next; filter[updated_since] is ISO 8601 and inclusive; sort=created_at|updated_at with - for descending. "
                        + "Errors are {\"errors\":[{\"title\",\"detail\"}]}; a missing or wrong token gets {\"error\":\"HTTP Token: Access denied\"}.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerTokenHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A token from `rects tokens create --scope lead-provider:ID`.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerTokenHandler.SchemeName, document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// Maps the group, /api/v3/openapi.json and the Swagger UI at /api/docs. UseRateLimiter must already be
    /// in the pipeline, before the idempotency middleware, so a refused request never claims a key.
    public static WebApplication MapLeadProviderApi(this WebApplication app)
    {
        app.MapOpenApi("/api/{documentName:regex(^v3$)}/openapi.json");
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "api/docs";
            options.DocumentTitle = "Lead provider API v3";
            options.SwaggerEndpoint("/api/v3/openapi.json", "Lead provider API v3");
        });

        var v3 = app.MapGroup("/api/v3")
            .WithGroupName(DocumentName)
            .AddEndpointFilter<V3EndpointFilter>()
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(V3Unauthorised), ["application/json"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(V3Errors), ["application/json"]));
        v3.MapPartnerships();
        v3.MapSchools();
        v3.MapDeliveryPartners();
        v3.MapParticipants();
        v3.MapUnfundedMentors();
        v3.MapParticipantActions();
        v3.MapTransfers();
        v3.MapDeclarations();
        v3.MapStatements();
        return app;
    }
}
