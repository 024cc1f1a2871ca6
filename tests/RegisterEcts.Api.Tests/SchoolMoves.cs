using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_an_ect_moves_school_mid_induction_to_another_lead_provider(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<(Guid Jane, Reply AtNewSchool, SchoolTutor Old, SchoolTutor New)> StoryAsync()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var body = await api.AppropriateBodyAsync(Kingfisher);
        var trn = Trns.Next();

        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        (await body.ClaimsAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 10))).ShouldBe(HttpStatusCode.OK);
        (await valley.ReportsEctLeavingAsync(jane, Day(2026, 1, 31), on: Day(2026, 1, 20))).ShouldBe(HttpStatusCode.OK);
        var moved = (await underwood.RegistersEctAsync(trn, Day(2026, 2, 2), on: Day(2026, 2, 2), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.Created);
        return (jane, moved, valley, underwood);
    }

    [Fact]
    public async Task the_new_school_registers_the_same_teacher()
    {
        var (jane, moved, _, _) = await StoryAsync();
        moved.TeacherId.ShouldBe(jane);
    }

    [Fact]
    public async Task the_first_school_period_finishes_on_the_reported_day_and_the_second_starts_after_it()
    {
        var (jane, _, valley, underwood) = await StoryAsync();

        Reply.Date((await valley.PeriodsOfAsync(jane)).Single()["finished_on"]).ShouldBe("2026-01-31");
        var now = (await underwood.PeriodsOfAsync(jane)).Single();
        Reply.Date(now["started_on"]).ShouldBe("2026-02-02");
        Reply.Date(now["finished_on"]).ShouldBe("open");
    }

    [Fact]
    public async Task training_continues_in_the_same_cohort_with_the_new_lead_provider()
    {
        var (_, moved, _, _) = await StoryAsync();

        var training = moved.Training("ect").Single();
        training["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
        training["contract_period_year"]!.GetValue<int>().ShouldBe(2025);
        training["started_on"]!.GetValue<string>().ShouldBe("2026-02-02");
    }

    [Fact]
    public async Task the_induction_carries_on()
    {
        var (_, moved, _, _) = await StoryAsync();
        moved["induction_status"].GetValue<string>().ShouldBe("in_progress");
    }
}

public class when_an_ect_moves_school_with_the_same_lead_provider_before_the_old_school_reports_leaving(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    private async Task<(Guid Jane, SchoolTutor Old, SchoolTutor New, Reply Leaving)> StoryAsync()
    {
        var valley = await api.SchoolAsync(Valley);
        var underwood = await api.SchoolAsync(Underwood);
        var trn = Trns.Next();
        var jane = (await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await underwood.RegistersEctAsync(trn, Day(2026, 1, 12), on: Day(2026, 1, 5), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created);
        var leaving = await valley.ReportsEctLeavingAsync(jane, Day(2026, 1, 11), on: Day(2026, 1, 8));
        return (jane, valley, underwood, leaving);
    }

    [Fact]
    public async Task the_old_period_finishes_the_day_before_the_new_one_starts()
    {
        var (jane, valley, underwood, _) = await StoryAsync();

        Reply.Date((await valley.PeriodsOfAsync(jane)).Single()["finished_on"]).ShouldBe("2026-01-11");
        Reply.Date((await underwood.PeriodsOfAsync(jane)).Single()["started_on"]).ShouldBe("2026-01-12");
    }

    [Fact]
    public async Task the_old_school_reporting_the_same_last_day_changes_nothing()
    {
        var (_, _, _, leaving) = await StoryAsync();

        leaving.ShouldBe(HttpStatusCode.OK);
        Reply.Date(leaving["ect_at_school_periods"].AsArray().Single()!["finished_on"]).ShouldBe("2026-01-11");
    }

    [Fact]
    public async Task both_schools_show_the_same_lead_provider()
    {
        var (jane, valley, underwood, _) = await StoryAsync();

        (await valley.PeriodsOfAsync(jane)).Single()["lead_provider_id"]!.GetValue<string>().ShouldBe(Ambition.ToString());
        (await underwood.PeriodsOfAsync(jane)).Single()["lead_provider_id"]!.GetValue<string>().ShouldBe(Ambition.ToString());
    }
}

public class when_an_ect_switches_provider_led_to_school_led_and_back(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task each_switch_finishes_the_old_training_the_day_before_the_new_one()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;

        var schoolLed = (await valley.ChangesTrainingProgrammeAsync(jane, "school_led", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
        // The unconfirmed interest in Ambition leaves no training behind.
        var only = schoolLed.Training("ect").Single();
        only["training_programme"]!.GetValue<string>().ShouldBe("school_led");
        only["started_on"]!.GetValue<string>().ShouldBe("2025-10-01");

        var back = (await valley.ChangesTrainingProgrammeAsync(jane, "provider_led", on: Day(2025, 11, 3), leadProvider: TeachFirst)).ShouldBe(HttpStatusCode.OK);
        var training = back.Training("ect");
        training.Count.ShouldBe(2);
        Reply.Date(training[0]["finished_on"]).ShouldBe("2025-11-02");
        training[1]["training_programme"]!.GetValue<string>().ShouldBe("provider_led");
        training[1]["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
        training[1]["started_on"]!.GetValue<string>().ShouldBe("2025-11-03");
        training[1]["schedule"]!.GetValue<string>().ShouldBe("ecf-standard-january");

        var row = (await valley.PeriodsOfAsync(jane)).Single();
        row["training_programme"]!.GetValue<string>().ShouldBe("provider_led");
        row["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
    }

    [Fact]
    public async Task switching_to_the_programme_already_followed_changes_nothing()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), programme: "school_led")).ShouldBe(HttpStatusCode.Created).TeacherId;
        var before = await api.EventCountAsync();

        (await valley.ChangesTrainingProgrammeAsync(jane, "school_led", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);

        (await api.EventCountAsync()).ShouldBe(before);
    }
}
