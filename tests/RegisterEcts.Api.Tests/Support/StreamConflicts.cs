using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RegisterEcts.EventStore;

namespace RegisterEcts.Api.Tests;

/// The race test can only hope to lose a race; this one makes every request lose it.
public class when_a_stream_conflict_reaches_the_http_pipeline(ApiWithSchools api) : IClassFixture<ApiWithSchools>, IAsyncLifetime
{
    private const string Path = "/test/stream-conflict";
    private static readonly Guid Stream = Guid.Parse("0193a000-0000-7000-8000-000000000409");

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        _host = api.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ThrowsStreamConflict>()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task it_is_a_409_problem_naming_the_stream()
    {
        var caller = new Caller(_host.CreateClient(), await api.TokenAsync("support"));

        var reply = await caller.PostAsync(Path, new { }, On.Day(2025, 10, 1));

        reply.ShouldBe(HttpStatusCode.Conflict).Code.ShouldBe("concurrent_change");
        reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        reply["status"].GetValue<int>().ShouldBe(409);
        reply["title"].GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        reply["detail"].GetValue<string>().ShouldContain(Stream.ToString());
    }

    [Fact]
    public async Task with_an_idempotency_key_the_409_is_kept_and_replayed()
    {
        var caller = new Caller(_host.CreateClient(), await api.TokenAsync("support"));
        var key = Guid.NewGuid().ToString();

        var first = (await caller.PostAsync(Path, new { }, On.Day(2025, 10, 1), key)).ShouldBe(HttpStatusCode.Conflict);
        var retry = (await caller.PostAsync(Path, new { }, On.Day(2025, 10, 1), key)).ShouldBe(HttpStatusCode.Conflict);

        first.Code.ShouldBe("concurrent_change");
        first.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        retry.Response.Headers.Contains("Idempotent-Replayed").ShouldBeTrue();
    }

    /// A route behind the whole app pipeline (authentication, idempotency, the exception handler) that always loses the race.
    private sealed class ThrowsStreamConflict : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(Path, branch => branch.Run(_ => throw new StreamConflictException(Stream, ExpectedVersion.Exactly(3), 4)));
        };
    }
}
