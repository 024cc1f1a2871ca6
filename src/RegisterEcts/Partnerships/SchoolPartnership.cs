namespace RegisterEcts.Partnerships;

/// A school + lead provider + delivery partner + cohort. The state of a partnership stream, and the
/// shape callers pass to teacher commands (from the partnerships read table) so Decide can choose one.
public sealed record SchoolPartnership(Guid PartnershipId, Guid SchoolId, Guid LeadProviderId, Guid DeliveryPartnerId, int ContractPeriodYear)
{
    public const string StreamType = "partnership";

    public static readonly SchoolPartnership? Initial = null;

    public static SchoolPartnership? Evolve(SchoolPartnership? state, object @event) => @event switch
    {
        SchoolPartnershipCreated e => new(e.PartnershipId, e.SchoolId, e.LeadProviderId, e.DeliveryPartnerId, e.ContractPeriodYear),
        SchoolPartnershipRecreated e => new(e.PartnershipId, e.SchoolId, e.LeadProviderId, e.DeliveryPartnerId, e.ContractPeriodYear),
        SchoolPartnershipDeliveryPartnerChanged e when state is not null => state with { DeliveryPartnerId = e.ToDeliveryPartnerId },
        _ => state,
    };
}
