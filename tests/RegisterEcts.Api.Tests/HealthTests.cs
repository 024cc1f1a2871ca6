using Microsoft.AspNetCore.Hosting;
using System.Net;
using System.Net.Http.Json;

namespace RegisterEcts.Api.Tests;

public class when_a_probe_asks_for_health(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task the_process_says_it_is_alive()
    {
        var response = await api.CreateClient().GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["status"].ToString().ShouldBe("alive");
    }

    [Fact]
    public async Task it_is_ready_when_the_database_answers_and_no_projection_is_paused()
    {
        var response = await api.CreateClient().GetAsync("/health/ready");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"status\":\"ready\"");
    }
}

public class when_the_database_is_unreachable
{
    [Fact]
    public async Task readiness_is_a_503_problem_and_liveness_still_answers()
    {
        await using var api = new UnreachableDatabaseFactory();
        var client = api.CreateClient();

        var ready = await client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        ready.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private sealed class UnreachableDatabaseFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            // Port 1 on loopback: nothing listens there, so the connection is refused at once.
            builder.UseSetting("ConnectionStrings:RegisterEcts", "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2");
            builder.UseSetting("RegisterEcts:MigrateOnStart", "false");
        }
    }
}
