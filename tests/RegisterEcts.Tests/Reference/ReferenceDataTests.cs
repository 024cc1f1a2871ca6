using RegisterEcts.Reference;
using RegisterEcts.Shared;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_looking_up_reference_data
{
    [Fact]
    public void the_earliest_permitted_start_date_is_the_start_of_the_cohort_two_before_the_current_one() =>
        Catalogue.EarliestPermittedStartDate(Today).ShouldBe(new DateOnly(2023, 6, 1));

    [Fact]
    public void a_start_in_an_earlier_cohort_registers_into_the_current_one() =>
        Catalogue.ContractPeriodForRegistration(new DateOnly(2024, 9, 1), Today)!.Year.ShouldBe(2025);

    [Fact]
    public void a_start_in_a_later_cohort_registers_into_that_cohort() =>
        Catalogue.ContractPeriodForRegistration(new DateOnly(2026, 9, 1), Today)!.Year.ShouldBe(2026);

    [Fact]
    public void a_cohort_is_frozen_from_its_freezing_date()
    {
        Catalogue.IsPaymentsFrozen(2022, new DateOnly(2025, 6, 15)).ShouldBeFalse();
        Catalogue.IsPaymentsFrozen(2022, new DateOnly(2025, 6, 16)).ShouldBeTrue();
        Catalogue.IsPaymentsFrozen(2023, Today).ShouldBeFalse();
    }

    [Fact]
    public void lead_providers_schedules_and_appropriate_bodies_are_found()
    {
        Catalogue.IsLeadProviderActive(Ambition, 2025).ShouldBeTrue();
        Catalogue.IsLeadProviderActive(Inactive, 2025).ShouldBeFalse();
        Catalogue.FindSchedule(2025, "ecf-standard-january").ShouldNotBeNull();
        Catalogue.IsAppropriateBodyActive(Body).ShouldBeTrue();
        Catalogue.IsAppropriateBodyActive(ClosedBody).ShouldBeFalse();
    }
}

public class when_loading_reference_data_twice
{
    [Fact]
    public void the_second_load_records_nothing() =>
        RegisterReferenceData.Decide(new RegisterReferenceData(ReferenceFacts), Catalogue).ShouldBeEmpty();

    [Fact]
    public void the_first_load_records_every_fact() =>
        RegisterReferenceData.Decide(new RegisterReferenceData(ReferenceFacts), ReferenceData.Empty).Count.ShouldBe(ReferenceFacts.Count);

    [Fact]
    public void an_overlapping_contract_period_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterReferenceData.Decide(
                new RegisterReferenceData([new ContractPeriodRegistered(2027, new(2027, 5, 1), new(2028, 5, 31), true, null, true, true, false)]), Catalogue))
            .Code.ShouldBe("contract_period_overlaps");

    [Fact]
    public void a_pairing_with_an_inactive_lead_provider_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterReferenceData.Decide(
                new RegisterReferenceData([new LeadProviderDeliveryPartnershipAdded(Guid.NewGuid(), Inactive, Partner, 2025)]), Catalogue))
            .Message.ShouldBe("Gone Learning has no contract for 2025");
}
