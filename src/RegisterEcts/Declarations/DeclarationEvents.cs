using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Shared;

namespace RegisterEcts.Declarations;

/// Every declaration event names its stream: one stream per declaration.
public interface IDeclarationEvent
{
    Guid DeclarationId { get; }
}

/// A lead provider declared that a participant reached a milestone. DeclarationDate is when the engagement happened.
public sealed record DeclarationSubmitted(
    Guid DeclarationId, Guid TeacherId, Guid LeadProviderId, int TrainingPeriodId, TeacherRole Role, string DeclarationType,
    DateTimeOffset DeclarationDate, string? EvidenceHeld, int ContractPeriodYear, Guid? DeliveryPartnerId, Guid? MentorId,
    DateOnly SubmittedOn) : IDeclarationEvent;

/// The participant is eligible for funding: the declaration will be paid on StatementId.
public sealed record DeclarationEligible(Guid DeclarationId, Guid StatementId, DateOnly EligibleOn) : IDeclarationEvent;

/// Its statement passed its cut-off date.
public sealed record DeclarationPayable(Guid DeclarationId, Guid StatementId, DateOnly PayableOn) : IDeclarationEvent;

public sealed record DeclarationPaid(Guid DeclarationId, Guid StatementId, DateOnly PaidOn) : IDeclarationEvent;

public sealed record DeclarationVoided(Guid DeclarationId, DateOnly VoidedOn) : IDeclarationEvent;

/// Voided after payment: the money comes back on ClawbackStatementId.
public sealed record DeclarationAwaitingClawback(Guid DeclarationId, Guid ClawbackStatementId, DateOnly On) : IDeclarationEvent;

public sealed record DeclarationClawedBack(Guid DeclarationId, Guid ClawbackStatementId, DateOnly ClawedBackOn) : IDeclarationEvent;

public static class DeclarationEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .Map<DeclarationSubmitted>("teacher_declaration_created")
        .Map<DeclarationEligible>("teacher_declaration_eligible")
        .Map<DeclarationPayable>("teacher_declaration_payable")
        .Map<DeclarationPaid>("teacher_declaration_paid")
        .Map<DeclarationVoided>("teacher_declaration_voided")
        .Map<DeclarationAwaitingClawback>("teacher_declaration_awaiting_clawback")
        .Map<DeclarationClawedBack>("teacher_declaration_clawed_back");
}
