using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.Partnerships;

public sealed record SchoolPartnershipCreated(Guid PartnershipId, Guid SchoolId, Guid LeadProviderId, Guid DeliveryPartnerId, int ContractPeriodYear, DateOnly CreatedOn);

/// Lead providers may swap the delivery partner, never the lead provider or the year.
public sealed record SchoolPartnershipDeliveryPartnerChanged(Guid PartnershipId, Guid FromDeliveryPartnerId, Guid ToDeliveryPartnerId, DateOnly ChangedOn);

public static class PartnershipEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .Map<SchoolPartnershipCreated>("school_partnership_created")
        .Map<SchoolPartnershipDeliveryPartnerChanged>("school_partnership_delivery_partner_changed");
}
