using System.Net;
using System.Text.Json.Nodes;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.On;

namespace RegisterEcts.Api.Tests.LeadProviders;

public class the_v3_participants(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    private static readonly (string, string) NotFound = ("Resource not found", "Nothing could be found for the provided details");

    private async Task<(Guid Ect, int Urn)> EctTrainedByAsync(Guid leadProvider, string name = "Jane Doe")
    {
        var schoolId = await api.FreshSchoolAsync();
        var urn = await api.UrnOfAsync(schoolId);
        await api.PartnershipOnceAsync(urn, leadProvider, 2025, Day(2025, 6, 10));
        var school = await api.SchoolAsync(urn);
        var ect = (await school.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: leadProvider, name: name))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        return (ect, urn);
    }

    [Fact]
    public async Task each_provider_sees_its_own_participants_and_gets_404_for_the_others()
    {
        var (ambitions, urn) = await EctTrainedByAsync(Ambition, "Ann Ambition");
        var (teachFirsts, _) = await EctTrainedByAsync(TeachFirst, "Tom First");
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);

        var shown = (await ambition.GetAsync($"/api/v3/participants/{ambitions}")).ShouldBe(HttpStatusCode.OK);
        shown["data"]["type"]!.GetValue<string>().ShouldBe("participant");
        shown.Attribute("full_name").ShouldBe("Ann Ambition");
        shown["data"]["attributes"]!["updated_at"]!.GetValue<string>().ShouldEndWith("Z");
        var enrolment = shown["data"]["attributes"]!["ecf_enrolments"]!.AsArray().Single()!;
        enrolment["school_urn"]!.GetValue<string>().ShouldBe(urn.ToString());
        enrolment["participant_type"]!.GetValue<string>().ShouldBe("ect");

        var ambitionSees = (await ambition.GetAsync("/api/v3/participants?page[per_page]=3000")).ShouldBe(HttpStatusCode.OK).Ids();
        ambitionSees.ShouldContain(ambitions.ToString());
        ambitionSees.ShouldNotContain(teachFirsts.ToString());
        var teachFirstSees = (await teachFirst.GetAsync("/api/v3/participants?page[per_page]=3000")).ShouldBe(HttpStatusCode.OK).Ids();
        teachFirstSees.ShouldContain(teachFirsts.ToString());
        teachFirstSees.ShouldNotContain(ambitions.ToString());
        (await ambition.GetAsync($"/api/v3/participants/{teachFirsts}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.GetAsync($"/api/v3/participants/{ambitions}")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
        (await teachFirst.GetAsync("/api/v3/participants/not-an-id")).ShouldBeError(HttpStatusCode.NotFound, NotFound);
    }

    [Fact]
    public async Task filters_select_by_cohort_training_status_and_updated_since()
    {
        var (ect, _) = await EctTrainedByAsync(Ambition);
        var ambition = await api.LeadProviderAsync(Ambition);
        var updatedAt = (await ambition.GetAsync($"/api/v3/participants/{ect}")).Attribute("updated_at");

        (await ambition.GetAsync("/api/v3/participants?filter[cohort]=2025&page[per_page]=3000")).Ids().ShouldContain(ect.ToString());
        (await ambition.GetAsync("/api/v3/participants?filter[cohort]=2024")).Ids().ShouldNotContain(ect.ToString());
        (await ambition.GetAsync("/api/v3/participants?filter[cohort]=abc")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await ambition.GetAsync("/api/v3/participants?filter[training_status]=active&page[per_page]=3000")).Ids().ShouldContain(ect.ToString());
        (await ambition.GetAsync("/api/v3/participants?filter[training_status]=withdrawn")).Ids().ShouldNotContain(ect.ToString());
        (await ambition.GetAsync($"/api/v3/participants?filter[updated_since]={Uri.EscapeDataString(updatedAt)}&page[per_page]=3000")).Ids().ShouldContain(ect.ToString());
        var later = DateTimeOffset.Parse(updatedAt).AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        (await ambition.GetAsync($"/api/v3/participants?filter[updated_since]={later}")).Ids().ShouldNotContain(ect.ToString());
        (await ambition.GetAsync("/api/v3/participants?filter[updated_since]=yesterday")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The filter '#/updated_since' must be a valid ISO 8601 date"));
        (await ambition.GetAsync("/api/v3/participants?page[page]=0")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number"));
    }

    [Fact]
    public async Task a_full_sync_with_updated_since_sees_every_change_made_while_it_pages()
    {
        var provider = Guid.Parse("080c8aa9-e5ce-5dae-81b2-7e26590392b3"); // UCL: no other test of this class uses it
        var teachers = new List<(Guid Ect, int Urn)>();
        for (var i = 0; i < 6; i++) teachers.Add(await EctTrainedByAsync(provider, $"Teacher {i}"));
        var ucl = await api.LeadProviderAsync(provider);

        // The provider keeps the newest document per participant, syncing from the latest updated_at it saw.
        var held = new Dictionary<string, JsonNode>();
        string? since = null;
        for (var round = 0; round < 3; round++)
        {
            var next = "/api/v3/participants?page[per_page]=2&sort=updated_at" + (since is null ? "" : $"&filter[updated_since]={Uri.EscapeDataString(since)}");
            var page = 0;
            while (next is not null)
            {
                var reply = (await ucl.GetAsync(next)).ShouldBe(HttpStatusCode.OK);
                foreach (var item in reply.Data().AsArray())
                {
                    held[item!["id"]!.GetValue<string>()] = item["attributes"]!.DeepClone();
                    var at = item["attributes"]!["updated_at"]!.GetValue<string>();
                    if (since is null || string.CompareOrdinal(at, since) > 0) since = at;
                }
                // Careers change between pages, behind and ahead of the cursor.
                var (ect, urn) = teachers[(round * 2 + page++) % teachers.Count];
                (await (await api.SchoolAsync(urn)).ChangesEmailAsync(ect, $"r{round}p{page}@example.com", on: Day(2025, 10, 1))).ShouldBe(HttpStatusCode.OK);
                next = reply.Body?["links"]?["next"]?.GetValue<string>();
            }
        }
        var last = "/api/v3/participants?page[per_page]=3000&sort=updated_at" + $"&filter[updated_since]={Uri.EscapeDataString(since!)}";
        foreach (var item in (await ucl.GetAsync(last)).Data().AsArray()) held[item!["id"]!.GetValue<string>()] = item["attributes"]!.DeepClone();

        foreach (var (ect, _) in teachers)
        {
            var current = (await ucl.GetAsync($"/api/v3/participants/{ect}")).ShouldBe(HttpStatusCode.OK)["data"]["attributes"]!;
            held[ect.ToString()].ToJsonString().ShouldBe(current.ToJsonString());
        }
    }
}

public class the_v3_unfunded_mentors(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    [Fact]
    public async Task list_the_mentors_of_the_providers_ects_it_does_not_train_and_no_one_elses()
    {
        var schoolId = await api.FreshSchoolAsync();
        var urn = await api.UrnOfAsync(schoolId);
        await api.PartnershipOnceAsync(urn, Ambition, 2025, Day(2025, 6, 10));
        var school = await api.SchoolAsync(urn);
        var ect = (await school.RegistersEctAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created).TeacherId;
        var mentor = (await school.RegistersMentorAsync(Trns.Next(), Day(2025, 9, 1), on: Day(2025, 9, 1), leadProvider: TeachFirst, name: "Maria Lopez"))
            .ShouldBe(HttpStatusCode.Created).TeacherId;
        (await school.AssignsMentorAsync(ect, mentor, on: Day(2025, 9, 2))).ShouldBe(HttpStatusCode.OK);
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);

        (await ambition.GetAsync("/api/v3/unfunded-mentors")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBe([mentor.ToString()]);
        var shown = (await ambition.GetAsync($"/api/v3/unfunded-mentors/{mentor}")).ShouldBe(HttpStatusCode.OK);
        shown["data"]["type"]!.GetValue<string>().ShouldBe("unfunded-mentor");
        shown.Attribute("full_name").ShouldBe("Maria Lopez");
        shown.Attribute("email").ShouldBe("maria@example.com");
        (await teachFirst.GetAsync("/api/v3/unfunded-mentors")).ShouldBe(HttpStatusCode.OK).Ids().ShouldBeEmpty();
        (await teachFirst.GetAsync($"/api/v3/unfunded-mentors/{mentor}")).ShouldBeError(HttpStatusCode.NotFound,
            ("Resource not found", "Nothing could be found for the provided details"));
    }
}
