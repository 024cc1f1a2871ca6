using RegisterEcts.Declarations;
using RegisterEcts.Shared;

namespace RegisterEcts.Statements;

/// What a statement command writes: to the statement's stream, and one event to each declaration it moves.
public sealed record StatementDecision(IReadOnlyList<object> StatementEvents, IReadOnlyList<object> DeclarationEvents);

/// The daily job: a statement whose cut-off date has passed becomes payable, and so do its eligible declarations.
public sealed record MarkStatementPayable(Guid StatementId, DateOnly Today)
{
    /// Declarations: those attached to the statement, as their streams stand.
    public static StatementDecision Decide(MarkStatementPayable command, Statement state, IReadOnlyList<DeclarationSummary> declarations)
    {
        var statement = state.Summary ?? throw new RuleViolation("statement_not_found", "The statement does not exist");
        if (statement.Status != StatementStatus.Open)
            throw new RuleViolation("statement_not_open", "The statement is already payable or paid");
        if (statement.DeadlineDate >= command.Today)
            throw new RuleViolation("statement_deadline_not_passed",
                $"The statement's cut-off date is {Dates.Govuk(statement.DeadlineDate)}: it becomes payable the day after");
        return new(
            [new StatementMarkedPayable(command.StatementId, command.Today)],
            [.. declarations.Where(d => d.State == DeclarationState.Eligible && d.StatementId == command.StatementId)
                .Select(d => new DeclarationPayable(d.DeclarationId, command.StatementId, command.Today))]);
    }
}
