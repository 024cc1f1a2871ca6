using System.Net;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Partnerships.ApiView;
using RegisterEcts.Reference;
using static RegisterEcts.Api.Tests.ApiWithSchools;
using static RegisterEcts.Api.Tests.LeadProviders.ApiWithLeadProviders;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// <summary>What else moves a partnership's document: academisation, a renamed delivery partner, training under it.</summary>
public class a_partnership_document(ApiWithLeadProviders api) : IClassFixture<ApiWithLeadProviders>
{
    [Fact]
    public async Task follows_the_school_and_the_delivery_partner_and_a_rebuild_agrees()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var teachFirst = await api.LeadProviderAsync(TeachFirst);
        var oakfield = (await api.Store.DataSource.CreateCommand($"SELECT school_id FROM schools WHERE urn = {Oakfield}").ExecuteScalarAsync()) as Guid? ?? throw new InvalidOperationException();
        var created = (await ambition.ConfirmsAsync(oakfield, Mercia, "2025", on: On.Day(2025, 8, 1))).ShouldBe(HttpStatusCode.OK);
        var theirs = (await teachFirst.ConfirmsAsync(await api.FreshSchoolAsync(), Humber, "2025")).ShouldBe(HttpStatusCode.OK);
        var merciaBefore = (await ambition.GetAsync($"/api/v3/delivery-partners/{Mercia}")).ShouldBe(HttpStatusCode.OK);

        await api.ImportSampleGiasAsync(On.Day(2025, 9, 1));
        var academised = (await ambition.GetAsync($"/api/v3/partnerships/{created.Id()}")).ShouldBe(HttpStatusCode.OK);
        academised.Attribute("urn").ShouldBe(OakfieldAcademy.ToString());
        academised.Attribute("school_id").ShouldBe(oakfield.ToString());
        DateTimeOffset.Parse(academised.Attribute("updated_at")).ShouldBeGreaterThan(DateTimeOffset.Parse(created.Attribute("updated_at")));

        await ReferenceStream.SeedAsync(api.Store, [new DeliveryPartnerRegistered(Mercia, "Mercia Teaching Trust")], new EventContext(Actor.System("tests")));
        var renamed = (await ambition.GetAsync($"/api/v3/partnerships/{created.Id()}")).ShouldBe(HttpStatusCode.OK);
        renamed.Attribute("delivery_partner_name").ShouldBe("Mercia Teaching Trust");
        DateTimeOffset.Parse(renamed.Attribute("updated_at")).ShouldBeGreaterThan(DateTimeOffset.Parse(academised.Attribute("updated_at")));
        var merciaAfter = (await ambition.GetAsync($"/api/v3/delivery-partners/{Mercia}")).ShouldBe(HttpStatusCode.OK);
        merciaAfter.Attribute("name").ShouldBe("Mercia Teaching Trust");
        DateTimeOffset.Parse(merciaAfter.Attribute("updated_at")).ShouldBeGreaterThan(DateTimeOffset.Parse(merciaBefore.Attribute("updated_at")));
        // Teach First's partnership has nothing to do with either change.
        (await teachFirst.GetAsync($"/api/v3/partnerships/{theirs.Id()}")).Attribute("updated_at").ShouldBe(theirs.Attribute("updated_at"));

        var before = await SnapshotAsync();
        await new ProjectionRebuilder(api.Store).RebuildAsync(api.Store.InlineProjections.OfType<LeadProviderApiProjection>().Single());
        (await SnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task counts_the_participants_training_under_it_today()
    {
        var ambition = await api.LeadProviderAsync(Ambition);
        var school = await api.FreshSchoolAsync();
        var partnership = (await ambition.ConfirmsAsync(school, Chiltern, "2025", on: On.Day(2025, 8, 1))).ShouldBe(HttpStatusCode.OK).Id();
        var tutor = await api.SchoolAsync(await api.UrnOfAsync(school));

        (await tutor.RegistersEctAsync(Trns.Next(), On.Day(2025, 9, 1), on: On.Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created);
        (await tutor.RegistersEctAsync(Trns.Next(), On.Day(2025, 11, 1), on: On.Day(2025, 9, 1), leadProvider: Ambition)).ShouldBe(HttpStatusCode.Created);

        (await ambition.GetAsync($"/api/v3/partnerships/{partnership}", On.Day(2025, 10, 1))).Attribute("participants_currently_training").ShouldBe("1");
        (await ambition.GetAsync($"/api/v3/partnerships/{partnership}", On.Day(2025, 11, 2))).Attribute("participants_currently_training").ShouldBe("2");
        (await ambition.GetAsync($"/api/v3/partnerships/{partnership}", On.Day(2025, 8, 31))).Attribute("participants_currently_training").ShouldBe("0");
    }

    private async Task<string> SnapshotAsync()
    {
        await using var cmd = api.Store.DataSource.CreateCommand(
            """
            SELECT concat_ws('|',
              (SELECT string_agg(concat_ws(',', partnership_id, lead_provider_id, delivery_partner_id, document::text, hash, created_at, api_updated_at), ';' ORDER BY partnership_id) FROM lead_provider_partnerships),
              (SELECT string_agg(concat_ws(',', lead_provider_id, delivery_partner_id, name, cohorts, created_at, api_updated_at), ';' ORDER BY lead_provider_id, delivery_partner_id) FROM lead_provider_delivery_partners),
              (SELECT string_agg(concat_ws(',', school_id, urn, name, eligible, created_at, api_updated_at), ';' ORDER BY school_id) FROM lead_provider_api_schools),
              (SELECT string_agg(concat_ws(',', teacher_id, training_period_id, partnership_id, started_on, finished_on), ';' ORDER BY teacher_id, training_period_id) FROM lead_provider_partnership_training),
              (SELECT string_agg(concat_ws(',', school_id, role, programme, lead_provider_id, contract_period_year), ';' ORDER BY school_id, role, programme, lead_provider_id, contract_period_year) FROM lead_provider_school_training))
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
