using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_trn_is_registered_twice(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_same_school_is_refused_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created);
        var before = await api.EventCountAsync();

        var again = (await valley.RegistersEctAsync(trn, Day(2025, 9, 5), on: Day(2025, 9, 5))).ShouldBe(HttpStatusCode.UnprocessableEntity);

        again.Code.ShouldBe("ect_already_registered_at_school");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task another_school_takes_the_teacher_over_as_a_transfer()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        // Schools type TRNs with prefixes and spaces; the digits identify the teacher.
        var transfer = (await underwood.RegistersEctAsync($"RP {trn[..3]} {trn[3..]}", Day(2025, 11, 1), on: Day(2025, 10, 20))).ShouldBe(HttpStatusCode.Created);

        transfer.TeacherId.ShouldBe(jane);
        Reply.Date((await valley.PeriodsOfAsync(jane)).Single()["finished_on"]).ShouldBe("2025-10-31");
        Reply.Date((await underwood.PeriodsOfAsync(jane)).Single()["started_on"]).ShouldBe("2025-11-01");
    }

    [Fact]
    public async Task two_schools_racing_to_register_a_new_trn_create_one_teacher_and_never_fail_with_a_500()
    {
        var westfield = await api.SchoolAsync(Westfield);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();

        var replies = await Task.WhenAll(
            westfield.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1)),
            underwood.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1)));

        replies.ShouldAllBe(r => r.Status == HttpStatusCode.Created || r.Status == HttpStatusCode.Conflict || r.Status == HttpStatusCode.UnprocessableEntity);
        var created = replies.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.TeacherId).Distinct().ToList();
        created.Count.ShouldBe(1);
        await using var cmd = api.Store.DataSource.CreateCommand($"SELECT count(*) FROM teacher_trns WHERE trn = '{trn}'");
        ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(1);
    }
}
