using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.Partnerships;

public sealed record SchoolPartnershipCreated(Guid PartnershipId, Guid SchoolId, Guid LeadProviderId, Guid DeliveryPartnerId, int ContractPeriodYear, DateOnly CreatedOn);

/// GIAS merged the school: the same lead provider, delivery partner and year, now with the successor
/// school, under a new id (so a new API partnership id, as in the reference service).
public sealed record SchoolPartnershipRecreated(
    Guid PartnershipId, Guid FromPartnershipId, Guid SchoolId, Guid LeadProviderId, Guid DeliveryPartnerId, int ContractPeriodYear, DateOnly RecreatedOn);

/// Lead providers may swap the delivery partner, never the lead provider or the year.
public sealed record SchoolPartnershipDeliveryPartnerChanged(Guid PartnershipId, Guid FromDeliveryPartnerId, Guid ToDeliveryPartnerId, DateOnly ChangedOn);

public static class PartnershipEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .Map<SchoolPartnershipCreated>("school_partnership_created")
        .Map<SchoolPartnershipRecreated>("school_partnership_recreated")
        .Map<SchoolPartnershipDeliveryPartnerChanged>("school_partnership_delivery_partner_changed");
}
