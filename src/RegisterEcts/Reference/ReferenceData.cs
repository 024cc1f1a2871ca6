using System.Collections.Immutable;
using RegisterEcts.Shared;

namespace RegisterEcts.Reference;

public sealed record LeadProvider(Guid Id, string Name);

public sealed record DeliveryPartner(Guid Id, string Name);

public sealed record ContractPeriod(
    int Year,
    DateOnly StartedOn,
    DateOnly FinishedOn,
    bool Enabled,
    DateOnly? PaymentsFrozenOn,
    bool MentorFundingEnabled,
    bool DetailedEvidenceTypesEnabled,
    bool UpliftFeesEnabled)
{
    public bool Contains(DateOnly date) => StartedOn <= date && date <= FinishedOn;

    public bool PaymentsFrozen(DateOnly today) => PaymentsFrozenOn <= today;
}

public sealed record LeadProviderDeliveryPartnership(Guid Id, Guid LeadProviderId, Guid DeliveryPartnerId, int Year);

public sealed record Schedule(int Year, string Identifier, IReadOnlyList<Milestone> Milestones);

public sealed record AppropriateBody(Guid Id, string Name, AppropriateBodyType Type, bool Active);

/// Everything deciders need to know about the world outside a teacher's stream, folded from the
/// reference events and passed in, so that Decide stays pure.
public sealed record ReferenceData(
    ImmutableDictionary<Guid, LeadProvider> LeadProviders,
    ImmutableDictionary<Guid, DeliveryPartner> DeliveryPartners,
    ImmutableSortedDictionary<int, ContractPeriod> ContractPeriods,
    ImmutableHashSet<(Guid LeadProviderId, int Year)> ActiveLeadProviders,
    ImmutableDictionary<Guid, LeadProviderDeliveryPartnership> LeadProviderDeliveryPartnerships,
    ImmutableDictionary<(int Year, string Identifier), Schedule> Schedules,
    ImmutableDictionary<Guid, AppropriateBody> AppropriateBodies)
{
    /// Frozen cohorts (2021, 2022) send returning ECTs here: hard-coded in the reference service too.
    public const int SuccessorContractYear = 2024;

    public static readonly ReferenceData Empty = new(
        ImmutableDictionary<Guid, LeadProvider>.Empty,
        ImmutableDictionary<Guid, DeliveryPartner>.Empty,
        ImmutableSortedDictionary<int, ContractPeriod>.Empty,
        [],
        ImmutableDictionary<Guid, LeadProviderDeliveryPartnership>.Empty,
        ImmutableDictionary<(int, string), Schedule>.Empty,
        ImmutableDictionary<Guid, AppropriateBody>.Empty);

    public static ReferenceData From(IEnumerable<object> events) => events.Aggregate(Empty, Evolve);

    public static ReferenceData Evolve(ReferenceData state, object @event) => @event switch
    {
        LeadProviderRegistered e => state with { LeadProviders = state.LeadProviders.SetItem(e.LeadProviderId, new(e.LeadProviderId, e.Name)) },
        DeliveryPartnerRegistered e => state with { DeliveryPartners = state.DeliveryPartners.SetItem(e.DeliveryPartnerId, new(e.DeliveryPartnerId, e.Name)) },
        ContractPeriodRegistered e => state with
        {
            ContractPeriods = state.ContractPeriods.SetItem(e.Year, new(
                e.Year, e.StartedOn, e.FinishedOn, e.Enabled, e.PaymentsFrozenOn, e.MentorFundingEnabled, e.DetailedEvidenceTypesEnabled, e.UpliftFeesEnabled)),
        },
        ContractPeriodPaymentsFrozen e when state.ContractPeriods.TryGetValue(e.Year, out var period) =>
            state with { ContractPeriods = state.ContractPeriods.SetItem(e.Year, period with { PaymentsFrozenOn = e.FrozenOn }) },
        LeadProviderActivatedForContractPeriod e => state with { ActiveLeadProviders = state.ActiveLeadProviders.Add((e.LeadProviderId, e.Year)) },
        LeadProviderDeliveryPartnershipAdded e => state with
        {
            LeadProviderDeliveryPartnerships = state.LeadProviderDeliveryPartnerships.SetItem(
                e.LeadProviderDeliveryPartnershipId, new(e.LeadProviderDeliveryPartnershipId, e.LeadProviderId, e.DeliveryPartnerId, e.Year)),
        },
        ScheduleRegistered e => state with { Schedules = state.Schedules.SetItem((e.Year, e.Identifier), new(e.Year, e.Identifier, e.Milestones)) },
        AppropriateBodyRegistered e => state with { AppropriateBodies = state.AppropriateBodies.SetItem(e.AppropriateBodyId, new(e.AppropriateBodyId, e.Name, e.Type, e.Active)) },
        _ => state,
    };

    public ContractPeriod? ContractPeriodContaining(DateOnly date) =>
        ContractPeriods.Values.FirstOrDefault(p => p.Contains(date));

    public ContractPeriod? CurrentContractPeriod(DateOnly today) => ContractPeriodContaining(today);

    public ContractPeriod? FindContractPeriod(int year) => ContractPeriods.GetValueOrDefault(year);

    /// A backdated start that falls in an earlier cohort (or none) registers into the current one.
    public ContractPeriod? ContractPeriodForRegistration(DateOnly startDate, DateOnly today)
    {
        var current = CurrentContractPeriod(today);
        if (current is null) return ContractPeriodContaining(startDate);
        var containing = ContractPeriodContaining(startDate);
        return containing is null || containing.Year < current.Year ? current : containing;
    }

    /// The start of the cohort two before the current one: schools may backdate no further.
    public DateOnly? EarliestPermittedStartDate(DateOnly today)
    {
        var current = CurrentContractPeriod(today);
        if (current is null) return null;
        return ContractPeriods.Values.Where(p => p.Year < current.Year).Reverse().Skip(1).FirstOrDefault()?.StartedOn;
    }

    public bool IsPaymentsFrozen(int year, DateOnly today) => FindContractPeriod(year)?.PaymentsFrozen(today) == true;

    public bool IsLeadProviderActive(Guid leadProviderId, int year) => ActiveLeadProviders.Contains((leadProviderId, year));

    public Schedule? FindSchedule(int year, string identifier) => Schedules.GetValueOrDefault((year, identifier));

    public AppropriateBody? FindAppropriateBody(Guid id) => AppropriateBodies.GetValueOrDefault(id);

    public bool IsAppropriateBodyActive(Guid id) => FindAppropriateBody(id)?.Active == true;

    public string LeadProviderName(Guid id) => LeadProviders.TryGetValue(id, out var lp) ? lp.Name : "the lead provider";
}
