using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Api.Tests.LeadProviders;

/// <summary>ChangeSchoolPartnershipDeliveryPartner.Decide, given a partnership and the reference pairings.</summary>
public class changing_a_partnerships_delivery_partner
{
    private static readonly Guid Provider = Guid.CreateVersion7();
    private static readonly Guid Other = Guid.CreateVersion7();
    private static readonly Guid First = Guid.CreateVersion7();
    private static readonly Guid Second = Guid.CreateVersion7();
    private static readonly Guid NotThatYear = Guid.CreateVersion7();
    private static readonly DateOnly Today = new(2025, 10, 1);

    private static readonly ReferenceData Reference = ReferenceData.From([
        new LeadProviderRegistered(Provider, "Provider"), new LeadProviderRegistered(Other, "Other"),
        new DeliveryPartnerRegistered(First, "First"), new DeliveryPartnerRegistered(Second, "Second"), new DeliveryPartnerRegistered(NotThatYear, "Not that year"),
        new ContractPeriodRegistered(2024, new(2024, 6, 1), new(2025, 5, 31), true, null, false, false, false),
        new ContractPeriodRegistered(2025, new(2025, 6, 1), new(2026, 5, 31), true, null, false, false, false),
        new LeadProviderActivatedForContractPeriod(Provider, 2024), new LeadProviderActivatedForContractPeriod(Provider, 2025),
        new LeadProviderDeliveryPartnershipAdded(Guid.CreateVersion7(), Provider, First, 2025),
        new LeadProviderDeliveryPartnershipAdded(Guid.CreateVersion7(), Provider, Second, 2025),
        new LeadProviderDeliveryPartnershipAdded(Guid.CreateVersion7(), Provider, NotThatYear, 2024),
    ]);

    private static readonly SchoolPartnership Partnership = new(Guid.CreateVersion7(), Guid.CreateVersion7(), Provider, First, 2025);

    private static IReadOnlyList<object> Decide(Guid leadProvider, Guid deliveryPartner, SchoolPartnership? state = null) =>
        ChangeSchoolPartnershipDeliveryPartner.Decide(new(Partnership.PartnershipId, leadProvider, deliveryPartner, Today), state ?? Partnership, Reference);

    [Fact]
    public void a_partner_paired_with_the_provider_that_year_replaces_the_old_one() =>
        Decide(Provider, Second).ShouldBe([new SchoolPartnershipDeliveryPartnerChanged(Partnership.PartnershipId, First, Second, Today)]);

    [Fact]
    public void a_partner_paired_only_in_another_year_is_refused() =>
        Should.Throw<RuleViolation>(() => Decide(Provider, NotThatYear)).Code.ShouldBe("delivery_partner_not_available");

    [Fact]
    public void an_unknown_partner_is_refused() =>
        Should.Throw<RuleViolation>(() => Decide(Provider, Guid.CreateVersion7())).Code.ShouldBe("delivery_partner_not_found");

    [Fact]
    public void the_same_partner_again_is_refused() =>
        Should.Throw<RuleViolation>(() => Decide(Provider, First)).Code.ShouldBe("delivery_partner_unchanged");

    [Fact]
    public void another_providers_partnership_is_not_found() =>
        Should.Throw<RuleViolation>(() => Decide(Other, Second)).Code.ShouldBe("partnership_not_found");

    [Fact]
    public void the_state_follows_the_change()
    {
        var changed = Decide(Provider, Second).Aggregate((SchoolPartnership?)Partnership, SchoolPartnership.Evolve);
        changed.ShouldBe(Partnership with { DeliveryPartnerId = Second });
    }
}
