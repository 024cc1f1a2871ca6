using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;

namespace RegisterEcts.Reference;

public sealed record LeadProviderRegistered(Guid LeadProviderId, string Name);

public sealed record DeliveryPartnerRegistered(Guid DeliveryPartnerId, string Name);

/// A cohort. PaymentsFrozenOn: from that day the cohort is closed to new declarations (2021 and 2022 so far).
public sealed record ContractPeriodRegistered(
    int Year,
    DateOnly StartedOn,
    DateOnly FinishedOn,
    bool Enabled,
    DateOnly? PaymentsFrozenOn,
    bool MentorFundingEnabled,
    bool DetailedEvidenceTypesEnabled,
    bool UpliftFeesEnabled);

public sealed record ContractPeriodPaymentsFrozen(int Year, DateOnly FrozenOn);

/// The lead provider holds a contract for that cohort.
public sealed record LeadProviderActivatedForContractPeriod(Guid LeadProviderId, int Year);

/// In that cohort the lead provider may work with the delivery partner.
public sealed record LeadProviderDeliveryPartnershipAdded(Guid LeadProviderDeliveryPartnershipId, Guid LeadProviderId, Guid DeliveryPartnerId, int Year);

public sealed record Milestone(string DeclarationType, DateOnly StartDate, DateOnly? MilestoneDate);

public sealed record ScheduleRegistered(int Year, string Identifier, IReadOnlyList<Milestone> Milestones);

public sealed record AppropriateBodyRegistered(Guid AppropriateBodyId, string Name, AppropriateBodyType Type, bool Active);

public static class ReferenceEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .Map<LeadProviderRegistered>("lead_provider_registered")
        .Map<DeliveryPartnerRegistered>("delivery_partner_registered")
        .Map<ContractPeriodRegistered>("contract_period_registered")
        .Map<ContractPeriodPaymentsFrozen>("contract_period_payments_frozen")
        .Map<LeadProviderActivatedForContractPeriod>("lead_provider_activated_for_contract_period")
        .Map<LeadProviderDeliveryPartnershipAdded>("lead_provider_delivery_partnership_added")
        .Map<ScheduleRegistered>("schedule_registered")
        .Map<AppropriateBodyRegistered>("appropriate_body_registered");
}
