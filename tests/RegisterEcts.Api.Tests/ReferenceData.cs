using System.Net;
using System.Text.Json.Nodes;
using static RegisterEcts.Api.Tests.ApiWithSchools;

namespace RegisterEcts.Api.Tests;

public class when_anyone_reads_the_reference_data(ApiWithSchools api) : IClassFixture<ApiWithSchools>
{
    [Theory]
    [InlineData("lead-providers", "name")]
    [InlineData("delivery-partners", "name")]
    [InlineData("contract-periods", "payments_frozen_on")]
    [InlineData("schedules", "identifier")]
    [InlineData("appropriate-bodies", "type")]
    [InlineData("schools", "urn")]
    public async Task each_list_is_there_in_snake_case(string list, string field)
    {
        var school = await api.SchoolAsync(Valley);

        var reply = (await school.Caller.GetAsync($"/api/reference/{list}")).ShouldBe(HttpStatusCode.OK);

        var items = reply.Body!.AsArray();
        items.ShouldNotBeEmpty();
        items[0]!.AsObject().ContainsKey(field).ShouldBeTrue();
    }

    [Fact]
    public async Task enums_are_snake_case_strings()
    {
        var admin = await api.AsAsync("admin");
        var bodies = (await admin.GetAsync("/api/reference/appropriate-bodies")).ShouldBe(HttpStatusCode.OK).Body!.AsArray();
        bodies.Single(b => b!["id"]!.GetValue<string>() == Kingfisher.ToString())!["type"]!.GetValue<string>().ShouldBe("teaching_school_hub");
    }

    [Fact]
    public async Task the_openapi_document_names_every_route()
    {
        var document = JsonNode.Parse(await api.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!["operationId"]?.GetValue<string>())).ToList();

        foreach (var name in new[]
                 {
                     "RegisterEct", "RegisterMentor", "ReportEctLeaving", "ReportMentorLeaving", "ChangeTrainingProgramme", "ChangeEctLeadProvider",
                     "ChangeMentorLeadProvider", "AssignMentor", "ChangeEmail", "ChangeWorkingPattern", "CorrectName", "GetSchoolTeachers",
                     "ClaimInduction", "RecordInductionOutcome", "ReleaseInduction", "AddInductionExtension",
                     "ListLeadProviders", "ListDeliveryPartners", "ListContractPeriods", "ListSchedules", "ListAppropriateBodies", "ListSchools",
                 })
            operations.ShouldContain(name);
        document["paths"]!["/api/schools/{urn}/ects"]!["post"]!["requestBody"]!.ToJsonString().ShouldContain("RegisterEctRequest");
        document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>().ShouldBe("bearer");
    }
}
