using FluentValidation;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Shared;

namespace RegisterEcts.Partnerships;

public sealed record CreateSchoolPartnership(Guid PartnershipId, Guid SchoolId, Guid LeadProviderId, Guid DeliveryPartnerId, int ContractPeriodYear, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<CreateSchoolPartnership>
    {
        public Validator()
        {
            RuleFor(c => c.PartnershipId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
            RuleFor(c => c.DeliveryPartnerId).NotEmpty();
            RuleFor(c => c.ContractPeriodYear).GreaterThanOrEqualTo(2020);
        }
    }

    /// <param name="schoolPartnerships">The school's existing partnerships (any lead provider, any year).</param>
    public static IReadOnlyList<object> Decide(
        CreateSchoolPartnership command,
        SchoolPartnership? state,
        School school,
        IReadOnlyList<SchoolPartnership> schoolPartnerships,
        ReferenceData reference)
    {
        if (state is not null)
            return state == new SchoolPartnership(command.PartnershipId, command.SchoolId, command.LeadProviderId, command.DeliveryPartnerId, command.ContractPeriodYear)
                ? []
                : throw new RuleViolation("partnership_exists", "A partnership with this id already exists with other details");
        school.EnsureOpen();
        if (!school.Eligible)
            throw new RuleViolation("school_not_eligible", $"{school.Name} is not eligible for funded training");
        var period = reference.FindContractPeriod(command.ContractPeriodYear);
        if (period is not { Enabled: true })
            throw new RuleViolation("contract_period_not_open", $"The {command.ContractPeriodYear} cohort is not open for partnerships");
        if (!reference.LeadProviderDeliveryPartnerships.Values.Any(p =>
                p.LeadProviderId == command.LeadProviderId && p.DeliveryPartnerId == command.DeliveryPartnerId && p.Year == command.ContractPeriodYear))
            throw new RuleViolation("delivery_partner_not_available",
                $"{reference.LeadProviderName(command.LeadProviderId)} does not work with this delivery partner in {command.ContractPeriodYear}");
        if (schoolPartnerships.Any(p => p.SchoolId == command.SchoolId && p.LeadProviderId == command.LeadProviderId && p.ContractPeriodYear == command.ContractPeriodYear))
            throw new RuleViolation("partnership_already_exists",
                $"{school.Name} already has a partnership with {reference.LeadProviderName(command.LeadProviderId)} for {command.ContractPeriodYear}");
        return [new SchoolPartnershipCreated(command.PartnershipId, command.SchoolId, command.LeadProviderId, command.DeliveryPartnerId, command.ContractPeriodYear, command.Today)];
    }
}
