using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_two_requests_change_one_teacher_at_once(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task one_wins_and_the_others_get_a_409_never_a_500()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => valley.CorrectsNameAsync(jane, $"Jane Doe {i}", on: Day(2025, 10, 1))));

        replies.ShouldAllBe(r => r.Status == HttpStatusCode.OK || r.Status == HttpStatusCode.Conflict);
        replies.Where(r => r.Status == HttpStatusCode.Conflict).ShouldAllBe(r => r.Code == "concurrent_change");
        var winners = replies.Count(r => r.Status == HttpStatusCode.OK);
        winners.ShouldBeGreaterThanOrEqualTo(1);
        // Every success wrote exactly one event, every conflict none.
        (await api.EventCountAsync()).ShouldBe(before + winners);
    }
}
