using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_mentor_mentors_at_two_schools(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task both_schools_have_them_and_they_train_at_the_first_only()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();

        var maria = (await valley.RegistersMentorAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created);
        var atSecond = (await underwood.RegistersMentorAsync(trn, Day(2025, 9, 15), on: Day(2025, 9, 15))).ShouldBe(HttpStatusCode.Created);

        atSecond.TeacherId.ShouldBe(maria.TeacherId);
        maria.Training("mentor").Single()["lead_provider_id"]!.GetValue<string>().ShouldBe(Ambition.ToString());
        atSecond.Training("mentor").ShouldBeEmpty();
        Reply.Date((await valley.PeriodsOfAsync(maria.TeacherId, "mentors")).Single()["finished_on"]).ShouldBe("open");
        Reply.Date((await underwood.PeriodsOfAsync(maria.TeacherId, "mentors")).Single()["finished_on"]).ShouldBe("open");
    }

    [Fact]
    public async Task leaving_one_school_leaves_the_other_period_open()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();
        var maria = (await valley.RegistersMentorAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await underwood.RegistersMentorAsync(trn, Day(2025, 9, 15), on: Day(2025, 9, 15))).ShouldBe(HttpStatusCode.Created);
        var ect = (await underwood.RegistersEctAsync(Trns.Next(), Day(2025, 9, 15), on: Day(2025, 9, 15))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await underwood.AssignsMentorAsync(ect, maria, on: Day(2025, 9, 16))).ShouldBe(HttpStatusCode.OK);

        (await valley.ReportsMentorLeavingAsync(maria, Day(2026, 3, 31), on: Day(2026, 3, 1))).ShouldBe(HttpStatusCode.OK);

        Reply.Date((await valley.PeriodsOfAsync(maria, "mentors")).Single()["finished_on"]).ShouldBe("2026-03-31");
        Reply.Date((await underwood.PeriodsOfAsync(maria, "mentors")).Single()["finished_on"]).ShouldBe("open");
        (await underwood.PeriodsOfAsync(ect)).Single()["mentor_teacher_id"]!.GetValue<string>().ShouldBe(maria.ToString());
    }

    [Fact]
    public async Task registering_them_again_at_the_same_school_is_refused()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        (await valley.RegistersMentorAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created);

        (await valley.RegistersMentorAsync(trn, Day(2025, 10, 1), on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.UnprocessableEntity)
            .Code.ShouldBe("mentor_already_registered_at_school");
    }
}

public class when_an_ects_mentor_is_replaced_part_way(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_first_mentorship_finishes_the_day_before_the_second_starts()
    {
        var valley = await api.SchoolAsync(Valley);
        var sam = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var tom = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), name: "Tom Hill")).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.AssignsMentorAsync(sam, maria, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);

        var replaced = (await valley.AssignsMentorAsync(sam, tom, on: Day(2026, 1, 5))).ShouldBe(HttpStatusCode.OK);

        var mentorships = replaced["mentorships"].AsArray().OrderBy(m => m!["started_on"]!.GetValue<string>()).ToList();
        mentorships.Count.ShouldBe(2);
        mentorships[0]!["mentor_teacher_id"]!.GetValue<string>().ShouldBe(maria.ToString());
        Reply.Date(mentorships[0]!["finished_on"]).ShouldBe("2026-01-04");
        mentorships[1]!["mentor_teacher_id"]!.GetValue<string>().ShouldBe(tom.ToString());
        mentorships[1]!["started_on"]!.GetValue<string>().ShouldBe("2026-01-05");
        (await valley.PeriodsOfAsync(sam)).Single()["mentor_teacher_id"]!.GetValue<string>().ShouldBe(tom.ToString());
    }

    [Fact]
    public async Task assigning_the_same_mentor_again_changes_nothing()
    {
        var valley = await api.SchoolAsync(Valley);
        var sam = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await valley.AssignsMentorAsync(sam, maria, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();

        (await valley.AssignsMentorAsync(sam, maria, on: Day(2025, 9, 3))).ShouldBe(HttpStatusCode.OK);

        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_ect_cannot_mentor_themself()
    {
        var valley = await api.SchoolAsync(Valley);
        var sam = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await valley.AssignsMentorAsync(sam, sam, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("mentee_cannot_mentor_themself");
    }
}
