using RegisterEcts.Shared;

namespace RegisterEcts.Declarations;

/// The API's declaration states; "submitted" is the reference's no_payment.
public enum DeclarationState { Submitted, Eligible, Payable, Paid, Voided, AwaitingClawback, ClawedBack }

public static class DeclarationStates
{
    /// Billable or changeable with no clawback: the declarations that block a duplicate and fix the sequence.
    public static bool IsLive(this DeclarationState state) =>
        state is DeclarationState.Submitted or DeclarationState.Eligible or DeclarationState.Payable or DeclarationState.Paid;

    public static string ApiName(this DeclarationState state) => state switch
    {
        DeclarationState.Submitted => "submitted",
        DeclarationState.Eligible => "eligible",
        DeclarationState.Payable => "payable",
        DeclarationState.Paid => "paid",
        DeclarationState.Voided => "voided",
        DeclarationState.AwaitingClawback => "awaiting-clawback",
        _ => "clawed-back",
    };

    public static DeclarationState Parse(string value) => value switch
    {
        "submitted" => DeclarationState.Submitted,
        "eligible" => DeclarationState.Eligible,
        "payable" => DeclarationState.Payable,
        "paid" => DeclarationState.Paid,
        "voided" => DeclarationState.Voided,
        "awaiting-clawback" => DeclarationState.AwaitingClawback,
        "clawed-back" => DeclarationState.ClawedBack,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Not a declaration state"),
    };
}

/// A declaration as other deciders see it (a row of the declarations table, or folded from its stream).
public sealed record DeclarationSummary(
    Guid DeclarationId, Guid TeacherId, Guid LeadProviderId, int TrainingPeriodId, TeacherRole Role, string DeclarationType,
    DateTimeOffset DeclarationDate, int ContractPeriodYear, DeclarationState State, Guid? StatementId = null, Guid? ClawbackStatementId = null);

/// One declaration's stream, folded.
public sealed record Declaration
{
    public const string StreamType = "declaration";

    public static readonly Declaration Initial = new();

    public bool Exists { get; init; }
    public DeclarationSummary Summary { get; init; } = null!;

    public static Declaration Evolve(Declaration state, object @event) => @event switch
    {
        DeclarationSubmitted e => new Declaration
        {
            Exists = true,
            Summary = new(e.DeclarationId, e.TeacherId, e.LeadProviderId, e.TrainingPeriodId, e.Role, e.DeclarationType, e.DeclarationDate,
                e.ContractPeriodYear, DeclarationState.Submitted),
        },
        DeclarationEligible e => state.With(DeclarationState.Eligible) with { Summary = state.Summary with { State = DeclarationState.Eligible, StatementId = e.StatementId } },
        DeclarationPayable => state.With(DeclarationState.Payable),
        DeclarationPaid => state.With(DeclarationState.Paid),
        DeclarationVoided => state.With(DeclarationState.Voided),
        DeclarationAwaitingClawback e => state with { Summary = state.Summary with { State = DeclarationState.AwaitingClawback, ClawbackStatementId = e.ClawbackStatementId } },
        DeclarationClawedBack => state.With(DeclarationState.ClawedBack),
        _ => state,
    };

    private Declaration With(DeclarationState s) => this with { Summary = Summary with { State = s } };
}
