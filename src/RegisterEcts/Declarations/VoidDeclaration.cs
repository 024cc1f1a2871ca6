using FluentValidation;
using RegisterEcts.Shared;
using RegisterEcts.Statements;

namespace RegisterEcts.Declarations;

/// A lead provider voids its own declaration (PUT /participant-declarations/{id}/void). Before payment it is
/// voided; once paid the money is clawed back on the next open output statement.
public sealed record VoidDeclaration(Guid DeclarationId, Guid LeadProviderId, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<VoidDeclaration>
    {
        public Validator()
        {
            RuleFor(c => c.DeclarationId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
        }
    }

    public const string NotFoundCode = "not_found";

    /// Statements: the lead provider's, for the clawback.
    public static IReadOnlyList<object> Decide(VoidDeclaration command, Declaration state, IReadOnlyList<StatementSummary> statements)
    {
        // Other providers' declarations are invisible here: the API answers 404.
        if (!state.Exists || state.Summary.LeadProviderId != command.LeadProviderId)
            throw new RuleViolation(NotFoundCode, "Nothing could be found for the provided details");
        var declaration = state.Summary;
        switch (declaration.State)
        {
            case DeclarationState.Voided:
                throw new RuleViolation("participant_declaration_id", "The declaration has already been voided.");
            case DeclarationState.AwaitingClawback or DeclarationState.ClawedBack:
                throw new RuleViolation("participant_declaration_id", "The declaration will or has been refunded");
            case DeclarationState.Paid:
                var statement = StatementSummary.Next(statements, declaration.LeadProviderId, declaration.ContractPeriodYear, command.Today)
                    ?? throw new RuleViolation("participant_declaration_id",
                        $"You cannot submit or void declarations for the {declaration.ContractPeriodYear} cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us");
                return [new DeclarationAwaitingClawback(command.DeclarationId, statement.StatementId, command.Today)];
            default:
                return [new DeclarationVoided(command.DeclarationId, command.Today)];
        }
    }
}
