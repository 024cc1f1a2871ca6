using System.Security.Cryptography;
using System.Text;
using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.Statements;

public enum StatementStatus { Open, Payable, Paid }

/// Output statements pay declarations; service statements pay the monthly fee (January, April, August and November are output months).
public enum FeeType { Output, Service }

/// A lead provider's monthly payment statement for a cohort. Deadline is the cut-off date for declarations.
public sealed record StatementOpened(
    Guid StatementId, Guid LeadProviderId, int ContractPeriodYear, int Year, int Month, DateOnly DeadlineDate, DateOnly PaymentDate, FeeType FeeType);

/// Its cut-off date passed: its eligible declarations are payable.
public sealed record StatementMarkedPayable(Guid StatementId, DateOnly MarkedOn);

/// Finance authorised payment: payable declarations are paid and clawbacks clawed back.
public sealed record StatementAuthorisedForPayment(Guid StatementId, DateOnly PaidOn);

public sealed record StatementSummary(
    Guid StatementId, Guid LeadProviderId, int ContractPeriodYear, int Year, int Month, DateOnly DeadlineDate, DateOnly PaymentDate,
    FeeType FeeType, StatementStatus Status)
{
    /// Where new declarations and clawbacks go: open output statements whose deadline has not passed.
    public bool TakesDeclarations(DateOnly today) => Status == StatementStatus.Open && FeeType == FeeType.Output && DeadlineDate >= today;

    /// The statement with the earliest deadline that takes declarations for the lead provider and cohort.
    public static StatementSummary? Next(IEnumerable<StatementSummary> statements, Guid leadProviderId, int year, DateOnly today) =>
        statements.Where(s => s.LeadProviderId == leadProviderId && s.ContractPeriodYear == year && s.TakesDeclarations(today))
            .MinBy(s => (s.DeadlineDate, s.Year, s.Month));
}

public sealed record Statement
{
    public const string StreamType = "statement";

    public static readonly Statement Initial = new();

    public StatementSummary? Summary { get; init; }

    public static Statement Evolve(Statement state, object @event) => @event switch
    {
        StatementOpened e => new Statement
        {
            Summary = new(e.StatementId, e.LeadProviderId, e.ContractPeriodYear, e.Year, e.Month, e.DeadlineDate, e.PaymentDate, e.FeeType, StatementStatus.Open),
        },
        StatementMarkedPayable => state with { Summary = state.Summary! with { Status = StatementStatus.Payable } },
        StatementAuthorisedForPayment => state with { Summary = state.Summary! with { Status = StatementStatus.Paid } },
        _ => state,
    };

    /// One statement per lead provider, cohort and month, so its id is derived from them: seeding twice finds the same stream.
    public static Guid IdFor(Guid leadProviderId, int contractPeriodYear, int year, int month)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"statement:{leadProviderId:N}:{contractPeriodYear}:{year}:{month}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: name-based, custom hash
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public static FeeType FeeTypeFor(int month) => month is 1 or 4 or 8 or 11 ? FeeType.Output : FeeType.Service;
}

public static class StatementEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .Map<StatementOpened>("statement_opened")
        .Map<StatementMarkedPayable>("statement_marked_payable")
        .Map<StatementAuthorisedForPayment>("statement_authorised_for_payment");
}
