using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Reference;

/// Loads reference facts (from samples/ or an admin); re-running the same load writes nothing.
public sealed record RegisterReferenceData(IReadOnlyList<object> Events)
{
    public sealed class Validator : AbstractValidator<RegisterReferenceData>
    {
        public Validator()
        {
            RuleFor(c => c.Events).NotNull();
            RuleForEach(c => c.Events).Must(e => e is LeadProviderRegistered or DeliveryPartnerRegistered or ContractPeriodRegistered
                    or ContractPeriodPaymentsFrozen or LeadProviderActivatedForContractPeriod or LeadProviderDeliveryPartnershipAdded
                    or ScheduleRegistered or AppropriateBodyRegistered)
                .WithMessage("Not a reference data event");
            RuleForEach(c => c.Events)
                .Must(e => e is not ContractPeriodRegistered p || (p.Year >= 2020 && p.FinishedOn >= p.StartedOn))
                .WithMessage("A contract period needs a year from 2020 and must finish on or after it starts");
        }
    }

    public static IReadOnlyList<object> Decide(RegisterReferenceData command, ReferenceData state)
    {
        var events = new List<object>();
        foreach (var e in command.Events)
        {
            if (IsKnown(state, e)) continue;
            Check(state, e);
            events.Add(e);
            state = ReferenceData.Evolve(state, e);
        }
        return events;
    }

    private static bool IsKnown(ReferenceData state, object e) => e switch
    {
        LeadProviderRegistered x => state.LeadProviders.GetValueOrDefault(x.LeadProviderId)?.Name == x.Name,
        DeliveryPartnerRegistered x => state.DeliveryPartners.GetValueOrDefault(x.DeliveryPartnerId)?.Name == x.Name,
        ContractPeriodRegistered x => state.FindContractPeriod(x.Year) == new ContractPeriod(
            x.Year, x.StartedOn, x.FinishedOn, x.Enabled, x.PaymentsFrozenOn, x.MentorFundingEnabled, x.DetailedEvidenceTypesEnabled, x.UpliftFeesEnabled),
        ContractPeriodPaymentsFrozen x => state.FindContractPeriod(x.Year)?.PaymentsFrozenOn == x.FrozenOn,
        LeadProviderActivatedForContractPeriod x => state.IsLeadProviderActive(x.LeadProviderId, x.Year),
        LeadProviderDeliveryPartnershipAdded x => state.LeadProviderDeliveryPartnerships.GetValueOrDefault(x.LeadProviderDeliveryPartnershipId)
            == new LeadProviderDeliveryPartnership(x.LeadProviderDeliveryPartnershipId, x.LeadProviderId, x.DeliveryPartnerId, x.Year),
        ScheduleRegistered x => state.FindSchedule(x.Year, x.Identifier) is { } s && s.Milestones.SequenceEqual(x.Milestones),
        AppropriateBodyRegistered x => state.FindAppropriateBody(x.AppropriateBodyId) == new AppropriateBody(x.AppropriateBodyId, x.Name, x.Type, x.Active),
        _ => false,
    };

    private static void Check(ReferenceData state, object e)
    {
        switch (e)
        {
            case ContractPeriodRegistered x when state.ContractPeriods.Values.Any(p => p.Year != x.Year && p.StartedOn <= x.FinishedOn && x.StartedOn <= p.FinishedOn):
                throw new RuleViolation("contract_period_overlaps", "Contract period overlaps with another contract period");
            case ContractPeriodPaymentsFrozen x when state.FindContractPeriod(x.Year) is null:
            case LeadProviderActivatedForContractPeriod y when state.FindContractPeriod(y.Year) is null:
                throw new RuleViolation("contract_period_not_found", "The contract period does not exist");
            case LeadProviderActivatedForContractPeriod x when !state.LeadProviders.ContainsKey(x.LeadProviderId):
                throw new RuleViolation("lead_provider_not_found", "The lead provider does not exist");
            case LeadProviderDeliveryPartnershipAdded x when !state.IsLeadProviderActive(x.LeadProviderId, x.Year):
                throw new RuleViolation("lead_provider_not_active", $"{state.LeadProviderName(x.LeadProviderId)} has no contract for {x.Year}");
            case LeadProviderDeliveryPartnershipAdded x when !state.DeliveryPartners.ContainsKey(x.DeliveryPartnerId):
                throw new RuleViolation("delivery_partner_not_found", "The delivery partner does not exist");
            case ScheduleRegistered x when state.FindContractPeriod(x.Year) is null:
                throw new RuleViolation("contract_period_not_found", "The contract period does not exist");
        }
    }
}
