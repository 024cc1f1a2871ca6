using System.Net;
using Microsoft.AspNetCore.Hosting;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_an_inline_table_refuses_a_change(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task a_trn_already_held_by_another_teacher_is_a_409_and_nothing_is_written()
    {
        var valley = await api.SchoolAsync(Valley);
        var trn = Trns.Next();
        // As if a concurrent registration of the same new TRN had committed first under another id.
        await using (var cmd = api.Store.DataSource.CreateCommand("INSERT INTO teacher_trns (trn, teacher_id, name) VALUES ($1, $2, 'Someone')"))
        {
            cmd.Parameters.Add(new() { Value = trn });
            cmd.Parameters.Add(new() { Value = Guid.CreateVersion7() });
            await cmd.ExecuteNonQueryAsync();
        }
        var before = await api.EventCountAsync();

        var reply = await valley.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1));

        reply.ShouldBe(HttpStatusCode.Conflict).Code.ShouldBe("conflict");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_overlapping_ect_period_is_refused_by_the_database_with_a_409()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created).TeacherId;
        await using var cmd = api.Store.DataSource.CreateCommand(
            "INSERT INTO ect_at_school_periods (teacher_id, period_id, school_id, dates, working_pattern, appropriate_body_id) VALUES ($1, 99, gen_random_uuid(), daterange('2025-10-01', NULL), 'full_time', gen_random_uuid())");
        cmd.Parameters.Add(new() { Value = jane });

        var refused = await Should.ThrowAsync<Npgsql.PostgresException>(() => cmd.ExecuteNonQueryAsync());

        refused.SqlState.ShouldBe(Npgsql.PostgresErrorCodes.ExclusionViolation);
    }
}

public class when_the_api_runs_in_production
{
    private sealed class ProductionApi : ApiWithSchools
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    [Fact]
    public async Task the_server_date_header_is_ignored()
    {
        await using var api = new ProductionApi();
        await api.InitializeAsync();
        try
        {
            var valley = await api.SchoolAsync(Valley);
            var today = DateOnly.FromDateTime(DateTime.UtcNow);

            // Backdated registrations start training on the day they are made: the real today, not the header's.
            var reply = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created);

            DateOnly.Parse(reply.Training("ect").Single()["started_on"]!.GetValue<string>()).ShouldBeInRange(today.AddDays(-1), today.AddDays(1));
        }
        finally
        {
            await Testing.TestDatabase.DropSchemaAsync(api.Schema);
        }
    }
}

public class when_a_school_changes_who_trains_a_teacher(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_ect_training_moves_to_the_new_lead_provider_from_today()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;

        var changed = (await valley.ChangesEctLeadProviderAsync(jane, TeachFirst, on: Day(2025, 10, 6))).ShouldBe(HttpStatusCode.OK);

        // No lead provider confirmed Ambition's training (no partnership), so it is replaced rather than finished.
        var training = changed.Training("ect").Single();
        training["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
        training["started_on"]!.GetValue<string>().ShouldBe("2025-10-06");
        (await valley.PeriodsOfAsync(jane)).Single()["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
    }

    [Fact]
    public async Task confirmed_training_finishes_the_day_before_and_the_new_lead_provider_starts_today()
    {
        var partnership = await api.PartnershipAsync(Westfield, Ambition, 2025, Day(2025, 8, 1));
        var westfield = await api.SchoolAsync(Westfield);
        var registered = (await westfield.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created);
        registered.Training("ect").Single()["partnership_id"]!.GetValue<string>().ShouldBe(partnership.ToString());

        var changed = (await westfield.ChangesEctLeadProviderAsync(registered.TeacherId, TeachFirst, on: Day(2025, 10, 6))).ShouldBe(HttpStatusCode.OK);

        var training = changed.Training("ect");
        training.Count.ShouldBe(2);
        Reply.Date(training[0]["finished_on"]).ShouldBe("2025-10-05");
        training[1]["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
        training[1]["started_on"]!.GetValue<string>().ShouldBe("2025-10-06");
        training[1]["partnership_id"].ShouldBeNull();
    }

    [Fact]
    public async Task the_same_lead_provider_again_is_a_422()
    {
        var valley = await api.SchoolAsync(Valley);
        var jane = (await valley.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;

        (await valley.ChangesEctLeadProviderAsync(jane, Ambition, on: Day(2025, 10, 6))).ShouldBe(HttpStatusCode.UnprocessableEntity).Code.ShouldBe("lead_provider_unchanged");
    }

    [Fact]
    public async Task a_mentors_training_moves_too()
    {
        var valley = await api.SchoolAsync(Valley);
        var maria = (await valley.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;

        var changed = (await valley.Caller.PostAsync($"/api/schools/{Valley}/mentors/{maria}/lead-provider", new { LeadProviderId = TeachFirst }, Day(2025, 10, 6)))
            .ShouldBe(HttpStatusCode.OK);

        changed.Training("mentor").Single()["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
        (await valley.PeriodsOfAsync(maria, "mentors")).Single()["lead_provider_id"]!.GetValue<string>().ShouldBe(TeachFirst.ToString());
    }
}
