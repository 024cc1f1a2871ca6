using System.Net;
using System.Text.Json.Nodes;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Partnerships.ApiView;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.LeadProviders.ApiWithLeadProviders;

namespace RegisterEcts.Api.Tests.LeadProviders;

public class a_lead_provider_confirming_partnerships(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    [Fact]
    public async Task gets_the_partnership_back_and_can_read_and_list_it()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var school = await api.FreshSchoolAsync();

        var created = (await ambition.ConfirmsAsync(school, Mercia, "2025")).ShouldBe(HttpStatusCode.OK);

        var data = created.Data();
        data["type"]!.GetValue<string>().ShouldBe("partnership");
        var attributes = data["attributes"]!;
        attributes["cohort"]!.GetValue<string>().ShouldBe("2025");
        attributes["urn"]!.GetValue<string>().ShouldBe((await api.UrnOfAsync(school)).ToString());
        attributes["school_id"]!.GetValue<string>().ShouldBe(school.ToString());
        attributes["delivery_partner_id"]!.GetValue<string>().ShouldBe(Mercia.ToString());
        attributes["delivery_partner_name"]!.GetValue<string>().ShouldBe("Mercia Teaching Partnership");
        attributes["participants_currently_training"]!.GetValue<int>().ShouldBe(0);
        attributes.AsObject().ContainsKey("induction_tutor_name").ShouldBeTrue();
        DateTimeOffset.Parse(attributes["updated_at"]!.GetValue<string>()).ShouldBe(DateTimeOffset.Parse(attributes["created_at"]!.GetValue<string>()));

        var shown = (await ambition.GetAsync($"/api/v3/partnerships/{created.Id()}")).ShouldBe(HttpStatusCode.OK);
        shown.Body!.ToJsonString().ShouldBe(created.Body!.ToJsonString());
        (await ambition.GetAsync("/api/v3/partnerships?filter[cohort]=2025")).ShouldBe(HttpStatusCode.OK).Ids().ShouldContain(created.Id().ToString());
    }

    [Fact]
    public async Task a_number_cohort_is_accepted_like_a_string()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.ConfirmsAsync(await api.FreshSchoolAsync(), Chiltern, 2025)).ShouldBe(HttpStatusCode.OK).Attribute("cohort").ShouldBe("2025");
    }

    [Fact]
    public async Task other_lead_providers_cannot_see_or_change_them_and_neither_can_it_theirs()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var ours = (await ambition.ConfirmsAsync(await api.FreshSchoolAsync(), Mercia, "2025")).ShouldBe(HttpStatusCode.OK).Id();
        var theirs = (await teachFirst.ConfirmsAsync(await api.FreshSchoolAsync(), Humber, "2025")).ShouldBe(HttpStatusCode.OK).Id();

        (await teachFirst.GetAsync($"/api/v3/partnerships/{ours}")).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));
        (await ambition.GetAsync($"/api/v3/partnerships/{theirs}")).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));
        (await teachFirst.ChangesDeliveryPartnerAsync(ours, Humber)).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));
        (await ambition.ChangesDeliveryPartnerAsync(theirs, Mercia)).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));

        var ambitionSees = (await ambition.GetAsync("/api/v3/partnerships?page[per_page]=3000")).ShouldBe(HttpStatusCode.OK).Ids();
        var teachFirstSees = (await teachFirst.GetAsync("/api/v3/partnerships?page[per_page]=3000")).ShouldBe(HttpStatusCode.OK).Ids();
        ambitionSees.ShouldContain(ours.ToString());
        ambitionSees.ShouldNotContain(theirs.ToString());
        teachFirstSees.ShouldContain(theirs.ToString());
        teachFirstSees.ShouldNotContain(ours.ToString());
    }

    [Fact]
    public async Task an_unknown_or_malformed_id_is_not_found()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.GetAsync($"/api/v3/partnerships/{Guid.NewGuid()}")).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));
        (await ambition.GetAsync("/api/v3/partnerships/not-an-id")).ShouldBeError(HttpStatusCode.NotFound, ("Resource not found", "Nothing could be found for the provided details"));
    }

    [Fact]
    public async Task changing_the_delivery_partner_changes_the_document_and_moves_updated_at()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var created = (await ambition.ConfirmsAsync(await api.FreshSchoolAsync(), Mercia, "2025")).ShouldBe(HttpStatusCode.OK);
        var createdAt = DateTimeOffset.Parse(created.Attribute("updated_at"));

        var changed = (await ambition.ChangesDeliveryPartnerAsync(created.Id(), Chiltern)).ShouldBe(HttpStatusCode.OK);

        changed.Attribute("delivery_partner_id").ShouldBe(Chiltern.ToString());
        changed.Attribute("delivery_partner_name").ShouldBe("Chiltern Education Partnership");
        changed.Attribute("created_at").ShouldBe(created.Attribute("created_at"));
        DateTimeOffset.Parse(changed.Attribute("updated_at")).ShouldBeGreaterThan(createdAt);
        var since = Uri.EscapeDataString(changed.Attribute("updated_at"));
        (await ambition.GetAsync($"/api/v3/partnerships?filter[updated_since]={since}")).ShouldBe(HttpStatusCode.OK).Ids().ShouldContain(created.Id().ToString());
        (await ambition.GetAsync($"/api/v3/partnerships?filter[delivery_partner_id]={Chiltern}")).Ids().ShouldContain(created.Id().ToString());
        (await ambition.GetAsync($"/api/v3/partnerships?filter[delivery_partner_id]={Mercia}")).Ids().ShouldNotContain(created.Id().ToString());
    }

    [Fact]
    public async Task changing_the_delivery_partner_is_refused_in_the_reference_words()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var id = (await ambition.ConfirmsAsync(await api.FreshSchoolAsync(), Mercia, "2025")).ShouldBe(HttpStatusCode.OK).Id();
        var before = await api.EventCountAsync();

        (await ambition.ChangesDeliveryPartnerAsync(id, Mercia)).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("delivery_partner_id",
            "We are unable to process this request. You are already confirmed to be in partnership with the entered delivery partner. Contact the DfE for support."));
        (await ambition.ChangesDeliveryPartnerAsync(id, Humber)).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("delivery_partner_id",
            "The entered delivery partner is not recognised to be working in partnership with you for the given cohort. Contact the DfE for more information."));
        (await ambition.ChangesDeliveryPartnerAsync(id, Guid.NewGuid())).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("delivery_partner_id",
            "The '#/delivery_partner_id' you have entered is invalid. Check delivery partner details and try again."));
        (await ambition.PutAsync($"/api/v3/partnerships/{id}", LeadProviderClient.Body("partnership", []))).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("delivery_partner_id", "Enter a '#/delivery_partner_id'."));
        (await ambition.PutAsync($"/api/v3/partnerships/{id}", """{"data":{"type":"partnership"}}""")).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "Correct json data structure required. See API docs for reference."));
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_missing_everything_gets_one_error_per_attribute()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var before = await api.EventCountAsync();
        (await ambition.PostAsync("/api/v3/partnerships", LeadProviderClient.Body("partnership", new JsonObject { ["cohort"] = " " })))
            .ShouldBeError(HttpStatusCode.UnprocessableEntity,
                ("cohort", "Enter a '#/cohort'."), ("school_id", "Enter a '#/school_id'."), ("delivery_partner_id", "Enter a '#/delivery_partner_id'."));
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task cohorts_that_are_unknown_future_or_closed_are_refused()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var school = await api.FreshSchoolAsync();
        (await ambition.ConfirmsAsync(school, Mercia, "2019")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("cohort", "The '#/cohort' you have entered is invalid. Check cohort details and try again."));
        (await ambition.ConfirmsAsync(school, Mercia, "next year")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("cohort", "The '#/cohort' you have entered is invalid. Check cohort details and try again."));
        (await ambition.ConfirmsAsync(school, Chiltern, "2026")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("cohort", "You cannot create a partnership for a future cohort."));
        (await ambition.ConfirmsAsync(school, Mercia, "2021")).ShouldBeError(HttpStatusCode.UnprocessableEntity,
            ("cohort", "You cannot create this partnership as the cohort is closed."));
    }

    [Fact]
    public async Task schools_that_are_unknown_ineligible_or_already_partnered_are_refused()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        (await ambition.ConfirmsAsync(Guid.NewGuid(), Mercia, "2025")).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("school_id",
            "The '#/school_id' you have entered is invalid. Check school details and try again. Contact the DfE for support if you are unable to find the '#/school_id'."));
        (await ambition.ConfirmsAsync(await api.IneligibleSchoolAsync(), Mercia, "2025")).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("school_id",
            "The school you have entered is currently ineligible for DfE funding. Contact the school for more information."));

        var school = await api.FreshSchoolAsync();
        (await ambition.ConfirmsAsync(school, Mercia, "2025")).ShouldBe(HttpStatusCode.OK);
        (await ambition.ConfirmsAsync(school, Chiltern, "2025")).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("school_id",
            "You are already in a confirmed partnership with this school for the entered cohort."));
        // Another provider, or another year, is a different partnership.
        (await (await api.LeadProviderAsync(TeachFirst)).ConfirmsAsync(school, Humber, "2025")).ShouldBe(HttpStatusCode.OK);
        (await ambition.ConfirmsAsync(school, Mercia, "2024")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task delivery_partners_that_are_unknown_or_not_paired_that_year_are_refused()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var school = await api.FreshSchoolAsync();
        (await ambition.ConfirmsAsync(school, Guid.NewGuid(), "2025")).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("delivery_partner_id",
            "The '#/delivery_partner_id' you have entered is invalid. Check delivery partner details and try again."));
        (await ambition.ConfirmsAsync(school, Humber, "2025")).ShouldBeError(HttpStatusCode.UnprocessableEntity, ("delivery_partner_id",
            "The entered delivery partner is not recognised to be working in partnership with you for the given cohort. Contact the DfE for more information."));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"cohort":"2025"}""")]
    [InlineData("""{"data":[]}""")]
    [InlineData("""{"data":{"type":"partnership","attributes":"cohort"}}""")]
    public async Task a_malformed_body_is_the_v3_400_and_writes_nothing(string body)
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var before = await api.EventCountAsync();
        (await ambition.PostAsync("/api/v3/partnerships", body)).ShouldBeError(HttpStatusCode.BadRequest,
            ("Bad request", "Correct json data structure required. See API docs for reference."));
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_retried_post_with_the_same_idempotency_key_gets_the_first_answer_and_writes_nothing()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var school = await api.FreshSchoolAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await ambition.ConfirmsAsync(school, Mercia, "2025", key)).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();

        var retry = (await ambition.ConfirmsAsync(school, Mercia, "2025", key)).ShouldBe(HttpStatusCode.OK);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        retry.Response.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        (await api.EventCountAsync()).ShouldBe(before);
        // Without the key the same request is a second attempt, and the rule refuses it.
        (await ambition.ConfirmsAsync(school, Mercia, "2025")).ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task a_retried_put_with_the_same_idempotency_key_gets_the_first_answer_and_writes_nothing()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var id = (await ambition.ConfirmsAsync(await api.FreshSchoolAsync(), Mercia, "2025")).ShouldBe(HttpStatusCode.OK).Id();
        var key = Guid.NewGuid().ToString();
        var first = (await ambition.ChangesDeliveryPartnerAsync(id, Chiltern, key)).ShouldBe(HttpStatusCode.OK);
        var before = await api.EventCountAsync();

        var retry = (await ambition.ChangesDeliveryPartnerAsync(id, Chiltern, key)).ShouldBe(HttpStatusCode.OK);

        retry.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        (await api.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_rebuild_reproduces_the_rows_the_appends_wrote()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var id = (await ambition.ConfirmsAsync(await api.FreshSchoolAsync(), Mercia, "2025")).ShouldBe(HttpStatusCode.OK).Id();
        (await ambition.ChangesDeliveryPartnerAsync(id, Chiltern)).ShouldBe(HttpStatusCode.OK);
        var before = await SnapshotAsync();

        await new ProjectionRebuilder(api.Store).RebuildAsync(api.Store.InlineProjections.OfType<LeadProviderApiProjection>().Single());

        (await SnapshotAsync()).ShouldBe(before);
    }

    private async Task<string> SnapshotAsync()
    {
        await using var cmd = api.Store.DataSource.CreateCommand(
            """
            SELECT concat_ws('|',
              (SELECT string_agg(concat_ws(',', partnership_id, lead_provider_id, delivery_partner_id, document::text, hash, created_at, api_updated_at), ';' ORDER BY partnership_id) FROM lead_provider_partnerships),
              (SELECT string_agg(concat_ws(',', lead_provider_id, delivery_partner_id, name, cohorts, created_at, api_updated_at), ';' ORDER BY lead_provider_id, delivery_partner_id) FROM lead_provider_delivery_partners),
              (SELECT string_agg(concat_ws(',', school_id, urn, name, eligible, created_at, api_updated_at), ';' ORDER BY school_id) FROM lead_provider_api_schools))
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
