using FluentValidation;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Partnerships;

/// The lead provider swaps the delivery partner of its partnership (rect-api-v3 §4.8): never the lead
/// provider, the school or the year, and only to a partner it works with in that year.
public sealed record ChangeSchoolPartnershipDeliveryPartner(Guid PartnershipId, Guid LeadProviderId, Guid DeliveryPartnerId, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ChangeSchoolPartnershipDeliveryPartner>
    {
        public Validator()
        {
            RuleFor(c => c.PartnershipId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
            RuleFor(c => c.DeliveryPartnerId).NotEmpty();
        }
    }

    public static IReadOnlyList<object> Decide(ChangeSchoolPartnershipDeliveryPartner command, SchoolPartnership? state, ReferenceData reference)
    {
        if (state is null || state.LeadProviderId != command.LeadProviderId)
            throw new RuleViolation("partnership_not_found", "The partnership does not exist");
        if (!reference.DeliveryPartners.ContainsKey(command.DeliveryPartnerId))
            throw new RuleViolation("delivery_partner_not_found", "The delivery partner does not exist");
        if (!reference.LeadProviderDeliveryPartnerships.Values.Any(p =>
                p.LeadProviderId == state.LeadProviderId && p.DeliveryPartnerId == command.DeliveryPartnerId && p.Year == state.ContractPeriodYear))
            throw new RuleViolation("delivery_partner_not_available",
                $"{reference.LeadProviderName(state.LeadProviderId)} does not work with this delivery partner in {state.ContractPeriodYear}");
        if (state.DeliveryPartnerId == command.DeliveryPartnerId)
            throw new RuleViolation("delivery_partner_unchanged", "The partnership is already with this delivery partner");
        return [new SchoolPartnershipDeliveryPartnerChanged(state.PartnershipId, state.DeliveryPartnerId, command.DeliveryPartnerId, command.Today)];
    }
}
