using System.Net;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests;

public class when_a_school_registers_an_ect(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Fact]
    public async Task the_teacher_is_created_with_a_period_and_provider_led_training()
    {
        var school = await api.SchoolAsync(Valley);
        var trn = Trns.Next();

        var reply = (await school.RegistersEctAsync(trn, Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created);

        reply["trn"].GetValue<string>().ShouldBe(trn);
        reply["ect_at_school_periods"].AsArray().Single()!["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
        var training = reply.Training("ect").Single();
        training["training_programme"]!.GetValue<string>().ShouldBe("provider_led");
        training["lead_provider_id"]!.GetValue<string>().ShouldBe(Ambition.ToString());
        training["contract_period_year"]!.GetValue<int>().ShouldBe(2025);
        var row = (await school.PeriodsOfAsync(reply.TeacherId)).Single();
        row["started_on"]!.GetValue<string>().ShouldBe("2025-09-01");
        row["finished_on"].ShouldBeNull();
        row["lead_provider_id"]!.GetValue<string>().ShouldBe(Ambition.ToString());
    }

    [Fact]
    public async Task a_start_date_before_the_earliest_permitted_date_is_refused()
    {
        var school = await api.SchoolAsync(Valley);
        var before = await api.EventCountAsync();

        var reply = (await school.RegistersEctAsync(Trns.Next(), Day(2023, 5, 31), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.UnprocessableEntity);

        reply.Code.ShouldBe("start_date_too_early");
        reply["detail"].GetValue<string>().ShouldContain("1 June 2023");
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task the_earliest_permitted_date_itself_is_accepted()
    {
        var school = await api.SchoolAsync(Valley);
        (await school.RegistersEctAsync(Trns.Next(), Day(2023, 6, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task an_unreadable_trn_is_a_400_with_the_field_named()
    {
        var school = await api.SchoolAsync(Valley);

        var reply = (await school.RegistersEctAsync("12", Day(2025, 9, 1), on: Day(2025, 9, 1))).ShouldBe(HttpStatusCode.BadRequest);

        reply["errors"]["trn"]![0]!.GetValue<string>().ShouldBe("Teacher reference number must include at least 5 digits");
        reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task school_led_training_with_a_lead_provider_is_a_400()
    {
        var school = await api.SchoolAsync(Valley);
        var reply = await school.Caller.PostAsync($"/api/schools/{Valley}/ects", new
        {
            Trn = Trns.Next(), Name = "Jo Bloggs", StartedOn = Day(2025, 9, 1), WorkingPattern = "full_time",
            AppropriateBodyId = Kingfisher, TrainingProgramme = "school_led", LeadProviderId = Ambition,
        }, Day(2025, 9, 1));

        reply.ShouldBe(HttpStatusCode.BadRequest)["errors"]["lead_provider_id"].ShouldNotBeNull();
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"trn\": \"1234567\"}")]
    [InlineData("{\"trn\": \"1234567\", \"name\": \"A\", \"started_on\": \"2025-09-01\", \"working_pattern\": \"sometimes\", \"appropriate_body_id\": \"51f04049-2c11-5feb-bc85-c977e3b6c8ef\", \"training_programme\": \"school_led\"}")]
    public async Task a_body_that_cannot_be_read_is_a_400_problem(string json)
    {
        var school = await api.SchoolAsync(Valley);

        var reply = (await school.Caller.PostRawAsync($"/api/schools/{Valley}/ects", json, Day(2025, 9, 1))).ShouldBe(HttpStatusCode.BadRequest);

        reply.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task an_unknown_urn_is_not_found_for_an_admin()
    {
        var admin = await api.AsAsync("admin");
        (await admin.GetAsync("/api/schools/999999/teachers")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task an_unknown_teacher_is_not_found_even_for_an_admin()
    {
        var admin = await api.AsAsync("admin");
        var reply = await admin.PostAsync($"/api/schools/{Valley}/ects/{Guid.CreateVersion7()}/leaving", new { LeftOn = Day(2025, 12, 19) }, Day(2025, 12, 1));
        reply.ShouldBe(HttpStatusCode.NotFound).Code.ShouldBe("teacher_not_found");
    }

    [Fact]
    public async Task a_server_date_that_is_not_iso_8601_is_a_400()
    {
        var school = await api.SchoolAsync(Valley);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/schools/{Valley}/teachers/{Guid.CreateVersion7()}/name")
        {
            Content = new StringContent("{\"name\": \"Jo\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", await api.TokenAsync($"school:{Valley}"));
        request.Headers.Add("X-With-Server-Date", "next tuesday");

        var response = await school.Caller.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("X-With-Server-Date");
    }
}
