using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Tests;

internal static class SampleFiles
{
    /// The checked-in samples are the test data: walk up from the test binaries to the solution folder.
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RegisterEcts.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No RegisterEcts.sln above {AppContext.BaseDirectory}");
    }
}

public class when_seeding_the_sample_reference_data
{
    private static readonly IReadOnlyList<object> Events = ReferenceSeed.Parse(File.ReadAllText(ReferenceSeed.DefaultPath(SampleFiles.Root)));
    private static readonly IReadOnlyList<object> Decided = RegisterReferenceData.Decide(new(Events), ReferenceData.Empty);
    private static readonly ReferenceData Catalogue = ReferenceData.From(Decided);

    [Fact]
    public void every_event_is_accepted() => Decided.ShouldBe(Events);

    [Fact]
    public void loading_it_again_records_nothing() => RegisterReferenceData.Decide(new(Events), Catalogue).ShouldBeEmpty();

    [Fact]
    public void the_seven_lead_providers_are_registered() =>
        Catalogue.LeadProviders.Values.Select(lp => lp.Name).Order().ShouldBe(
        [
            "Ambition Institute", "Best Practice Network", "Capita", "Education Development Trust",
            "National Institute of Teaching", "Teach First", "UCL Early Career Teacher Education",
        ]);

    [Fact]
    public void a_date_in_autumn_2025_falls_in_the_2025_cohort() =>
        Catalogue.ContractPeriodContaining(new DateOnly(2025, 10, 1))!.Year.ShouldBe(2025);

    [Fact]
    public void cohorts_2021_and_2022_are_frozen_and_later_ones_are_not()
    {
        Catalogue.IsPaymentsFrozen(2021, new DateOnly(2024, 6, 18)).ShouldBeTrue();
        Catalogue.IsPaymentsFrozen(2022, new DateOnly(2025, 6, 15)).ShouldBeFalse();
        Catalogue.IsPaymentsFrozen(2022, new DateOnly(2025, 6, 16)).ShouldBeTrue();
        Catalogue.IsPaymentsFrozen(2023, new DateOnly(2030, 1, 1)).ShouldBeFalse();
    }

    [Fact]
    public void mentor_funding_and_detailed_evidence_start_in_2025_when_uplifts_stop()
    {
        Catalogue.FindContractPeriod(2024)!.ShouldSatisfyAllConditions(
            p => p.MentorFundingEnabled.ShouldBeFalse(), p => p.DetailedEvidenceTypesEnabled.ShouldBeFalse(), p => p.UpliftFeesEnabled.ShouldBeTrue());
        Catalogue.FindContractPeriod(2025)!.ShouldSatisfyAllConditions(
            p => p.MentorFundingEnabled.ShouldBeTrue(), p => p.DetailedEvidenceTypesEnabled.ShouldBeTrue(), p => p.UpliftFeesEnabled.ShouldBeFalse());
    }

    [Fact]
    public void capita_holds_no_contract_after_2022()
    {
        var capita = Catalogue.LeadProviders.Values.Single(lp => lp.Name == "Capita").Id;
        Catalogue.IsLeadProviderActive(capita, 2022).ShouldBeTrue();
        Catalogue.IsLeadProviderActive(capita, 2023).ShouldBeFalse();
    }

    [Fact]
    public void every_cohort_has_all_twelve_schedules()
    {
        foreach (var year in Catalogue.ContractPeriods.Keys)
            foreach (var identifier in ReferenceSeed.ScheduleIdentifiers)
                Catalogue.FindSchedule(year, identifier).ShouldNotBeNull($"{year} {identifier}");
    }

    [Fact]
    public void the_2024_standard_september_schedule_has_a_dated_started_window() =>
        Catalogue.FindSchedule(2024, "ecf-standard-september")!.Milestones.Single(m => m.DeclarationType == "started")
            .ShouldBe(new Milestone("started", new DateOnly(2024, 6, 1), new DateOnly(2024, 12, 31)));

    [Fact]
    public void schedules_from_2025_have_start_dates_only_and_extended_ones_add_three_extensions()
    {
        var extended = Catalogue.FindSchedule(2025, "ecf-extended-september")!;
        extended.Milestones.Select(m => m.DeclarationType).ShouldBe(ReferenceSeed.DeclarationTypes);
        extended.Milestones.ShouldAllBe(m => m.StartDate == new DateOnly(2025, 9, 1) && m.MilestoneDate == null);
        Catalogue.FindSchedule(2025, "ecf-standard-september")!.Milestones.Count.ShouldBe(6);
    }

    [Fact]
    public void every_pairing_belongs_to_a_lead_provider_active_that_year() =>
        Catalogue.LeadProviderDeliveryPartnerships.Values.ShouldAllBe(p => Catalogue.IsLeadProviderActive(p.LeadProviderId, p.Year));

    [Fact]
    public void national_bodies_and_teaching_school_hubs_are_active() =>
        Catalogue.AppropriateBodies.Values.Where(b => b.Type != AppropriateBodyType.LocalAuthority).ShouldAllBe(b => b.Active);
}

public class when_the_reference_file_is_malformed
{
    private const string Valid = """
        {
          "lead_providers": [ { "id": "11111111-1111-1111-1111-111111111111", "name": "Ambition Institute" } ],
          "delivery_partners": [ { "id": "22222222-2222-2222-2222-222222222222", "name": "Pennine Learning Partnership" } ],
          "contract_periods": [ {
            "year": 2025, "started_on": "2025-06-01", "finished_on": "2026-05-31", "enabled": true, "payments_frozen_on": null,
            "mentor_funding_enabled": true, "detailed_evidence_types_enabled": true, "uplift_fees_enabled": false,
            "lead_providers": [ { "name": "Ambition Institute", "delivery_partners": [
              { "partnership_id": "33333333-3333-3333-3333-333333333333", "name": "Pennine Learning Partnership" } ] } ],
            "schedules": [ { "identifier": "ecf-standard-september", "start_date": "2025-06-01" } ]
          } ],
          "appropriate_bodies": [ { "id": "44444444-4444-4444-4444-444444444444", "name": "Kingfisher Teaching School Hub", "type": "teaching_school_hub", "active": true } ]
        }
        """;

    private static string Fails(string json) => Should.Throw<InvalidDataException>(() => ReferenceSeed.Parse(json)).Message;

    [Fact]
    public void a_minimal_file_gives_events_in_dependency_order() =>
        ReferenceSeed.Parse(Valid).Select(e => e.GetType().Name).ShouldBe(
        [
            nameof(LeadProviderRegistered), nameof(DeliveryPartnerRegistered), nameof(ContractPeriodRegistered),
            nameof(LeadProviderActivatedForContractPeriod), nameof(LeadProviderDeliveryPartnershipAdded),
            nameof(ScheduleRegistered), nameof(AppropriateBodyRegistered),
        ]);

    [Fact]
    public void an_unknown_delivery_partner_name_is_named() =>
        Fails(Valid.Replace("\"name\": \"Pennine Learning Partnership\" } ] } ]", "\"name\": \"Nowhere Alliance\" } ] } ]"))
            .ShouldContain("contract period 2025, lead provider 'Ambition Institute', delivery partner 'Nowhere Alliance'");

    [Fact]
    public void a_missing_flag_is_refused_with_its_path() =>
        Fails(Valid.Replace("\"enabled\": true,", "")).ShouldContain("enabled");

    [Fact]
    public void a_misspelt_key_is_refused() =>
        Fails(Valid.Replace("uplift_fees_enabled", "uplift_fee_enabled")).ShouldContain("uplift_fee_enabled");

    [Fact]
    public void an_unknown_schedule_identifier_is_named() =>
        Fails(Valid.Replace("ecf-standard-september", "ecf-standard-june")).ShouldContain("schedule 'ecf-standard-june'");

    [Fact]
    public void a_milestone_before_the_cohort_starts_is_named() =>
        Fails(Valid.Replace("\"start_date\": \"2025-06-01\"", "\"start_date\": \"2025-05-01\"")).ShouldContain("before 1 June 2025");

    [Fact]
    public void an_unknown_appropriate_body_type_is_named() =>
        Fails(Valid.Replace("teaching_school_hub", "regional")).ShouldContain("appropriate body 'Kingfisher Teaching School Hub'");

    [Fact]
    public void broken_json_is_reported_as_malformed() =>
        Fails("{ \"lead_providers\": [ ").ShouldStartWith("Reference data is malformed");
}
