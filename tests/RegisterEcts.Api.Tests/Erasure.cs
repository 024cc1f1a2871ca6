using System.Net;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_support_erases_a_teachers_personal_data(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_schools_list_keeps_the_periods_but_not_the_name_or_email()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        // What the support erasure command does, until it has its endpoint: record it, then delete the key.
        await api.Store.DecideAsync(jane, Teacher.StreamType, Teacher.Initial, Teacher.Evolve,
            state => EraseTeacherPersonalData.Decide(new EraseTeacherPersonalData(jane, ErasureReason.RightToErasure, Day(2025, 10, 1)), state),
            new EventContext(new Actor("support", "tests", "Support")));
        await api.Store.EraseSubjectAsync(jane);

        var row = (await valley.PeriodsOfAsync(jane)).Single();
        row["trn"]!.GetValue<string>().ShouldBe(trn);
        row["name"]!.GetValue<string>().ShouldBe("[erased]");
        row["email"].ShouldBeNull();
        row["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
    }
}
