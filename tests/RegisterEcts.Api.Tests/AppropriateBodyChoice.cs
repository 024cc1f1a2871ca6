using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_school_registers_an_ect_with_a_national_appropriate_body(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private const int WhitecrossIndependent = 101666;
    private static readonly Guid Istip = Guid.Parse("2fffeaef-fd75-5309-8226-503b1c3b7162");

    [Fact]
    public async Task an_independent_school_may()
    {
        var school = await api.SchoolAsync(WhitecrossIndependent);

        (await school.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), programme: "school_led", appropriateBody: Istip))
            .ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_state_funded_school_may_not()
    {
        var school = await api.SchoolAsync(Valley);

        var reply = (await school.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), appropriateBody: Istip))
            .ShouldBe(HttpStatusCode.UnprocessableEntity);

        reply.Code.ShouldBe("appropriate_body_not_allowed");
    }
}
