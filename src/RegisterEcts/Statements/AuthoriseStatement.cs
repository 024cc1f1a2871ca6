using RegisterEcts.Declarations;
using RegisterEcts.Shared;

namespace RegisterEcts.Statements;

/// Finance authorises a payable statement: its payable declarations are paid and its clawbacks clawed back.
public sealed record AuthoriseStatement(Guid StatementId, DateOnly Today)
{
    /// Declarations: those paid or clawed back on the statement, as their streams stand.
    public static StatementDecision Decide(AuthoriseStatement command, Statement state, IReadOnlyList<DeclarationSummary> declarations)
    {
        var statement = state.Summary ?? throw new RuleViolation("statement_not_found", "The statement does not exist");
        if (statement.Status == StatementStatus.Paid) throw new RuleViolation("statement_already_paid", "The statement has already been paid");
        if (statement.Status != StatementStatus.Payable || statement.DeadlineDate >= command.Today)
            throw new RuleViolation("statement_not_payable", "Only a payable statement whose cut-off date has passed can be authorised for payment");
        var id = command.StatementId;
        return new(
            [new StatementAuthorisedForPayment(id, command.Today)],
            [
                .. declarations.Where(d => d.State == DeclarationState.Payable && d.StatementId == id).Select(d => new DeclarationPaid(d.DeclarationId, id, command.Today)),
                .. declarations.Where(d => d.State == DeclarationState.AwaitingClawback && d.ClawbackStatementId == id)
                    .Select(d => new DeclarationClawedBack(d.DeclarationId, id, command.Today)),
            ]);
    }
}
