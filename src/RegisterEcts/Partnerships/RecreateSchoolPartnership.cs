using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Partnerships;

/// GIAS merged the school (rect-domain §2.4 "Merge"): its partnership is re-created at the successor.
/// Sent by the GIAS import, so the lead-provider API's rules for a new partnership (an eligible school,
/// an open cohort) do not apply: the training under it is already running.
public sealed record RecreateSchoolPartnership(Guid PartnershipId, SchoolPartnership From, Guid AtSchoolId, DateOnly RecreatedOn)
{
    public sealed class Validator : AbstractValidator<RecreateSchoolPartnership>
    {
        public Validator()
        {
            RuleFor(c => c.PartnershipId).NotEmpty().NotEqual(c => c.From.PartnershipId).WithMessage("A re-created partnership needs a new id");
            RuleFor(c => c.From).NotNull();
            RuleFor(c => c.AtSchoolId).NotEmpty().NotEqual(c => c.From.SchoolId).WithMessage("A partnership cannot be re-created at its own school");
        }
    }

    /// <param name="successorPartnerships">The successor school's partnerships (any lead provider, any year).</param>
    public static IReadOnlyList<object> Decide(RecreateSchoolPartnership command, SchoolPartnership? state, IReadOnlyList<SchoolPartnership> successorPartnerships)
    {
        var from = command.From;
        var recreated = new SchoolPartnership(command.PartnershipId, command.AtSchoolId, from.LeadProviderId, from.DeliveryPartnerId, from.ContractPeriodYear);
        if (state is not null)
            return state == recreated
                ? []
                : throw new RuleViolation("partnership_exists", "A partnership with this id already exists with other details");
        // One partnership per school, lead provider and year: the successor's own one carries the training instead.
        if (successorPartnerships.Any(p => p.SchoolId == command.AtSchoolId && p.LeadProviderId == from.LeadProviderId && p.ContractPeriodYear == from.ContractPeriodYear))
            throw new RuleViolation("partnership_already_exists",
                $"The successor school already has a partnership with this lead provider for {from.ContractPeriodYear}");
        return [new SchoolPartnershipRecreated(command.PartnershipId, from.PartnershipId, command.AtSchoolId, from.LeadProviderId, from.DeliveryPartnerId, from.ContractPeriodYear, command.RecreatedOn)];
    }
}
