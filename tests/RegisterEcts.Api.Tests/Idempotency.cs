using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_post_is_retried_with_the_same_idempotency_key(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_retry_gets_the_first_response_and_writes_nothing()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        var key = Guid.NewGuid().ToString();

        var first = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), key: key)).ShouldBe(HttpStatusCode.Created);
        var before = await api.EventCountAsync();
        var retry = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), key: key)).ShouldBe(HttpStatusCode.Created);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        retry.Response.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        retry.Response.Headers.Location.ShouldBe(first.Response.Headers.Location);
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task the_same_key_with_a_different_request_is_a_422()
    {
        var valley = await api.SchoolAsync(Valley);
        var key = Guid.NewGuid().ToString();
        (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), key: key)).ShouldBe(HttpStatusCode.Created);
        var before = await api.EventCountAsync();

        var other = await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), key: key);

        other.ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("idempotency_key_reused");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_refusal_is_replayed_too()
    {
        var valley = await api.SchoolAsync(Valley);
        var key = Guid.NewGuid().ToString();
        var trn = Trns.Next();

        var first = (await valley.RegistersEctAsync(trn, Day(2023, 1, 1), on: Day(2025, 9, 1), key: key)).ShouldBe(HttpStatusCode.UnprocessableEntity);
        var retry = (await valley.RegistersEctAsync(trn, Day(2023, 1, 1), on: Day(2025, 9, 1), key: key)).ShouldBe(HttpStatusCode.UnprocessableEntity);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
    }

    [Fact]
    public async Task concurrent_copies_run_once()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        var key = Guid.NewGuid().ToString();

        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), key: key)));

        replies.ShouldAllBe(r => r.Status == HttpStatusCode.Created || r.Status == HttpStatusCode.Conflict);
        replies.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.TeacherId).Distinct().Count().ShouldBe(1);
        replies.Where(r => r.Status == HttpStatusCode.Conflict).ShouldAllBe(r => r.Code == "idempotency_key_in_progress");
    }

    [Fact]
    public async Task the_same_key_from_another_token_is_a_different_request()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var key = Guid.NewGuid().ToString();

        (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), key: key)).ShouldBe(HttpStatusCode.Created);
        (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), key: key)).ShouldBe(HttpStatusCode.Created)
            .Response.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
    }
}
