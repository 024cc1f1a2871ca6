using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;

namespace RegisterEcts.Declarations;

/// Once a teacher becomes eligible for funding (registration or an induction claim), the declarations submitted
/// before then become eligible, each on its lead provider's next open output statement for its cohort.
/// Run after the teacher command that appended TeacherFundingEligibilitySet.
public sealed record MakeDeclarationsEligible(Guid TeacherId, DateOnly Today)
{
    /// Declarations: the teacher's; statements: those of the lead providers they were made to.
    public static IReadOnlyList<object> Decide(
        MakeDeclarationsEligible command, Teacher teacher, IReadOnlyList<DeclarationSummary> declarations, IReadOnlyList<StatementSummary> statements)
    {
        var events = new List<object>();
        foreach (var d in declarations.Where(d => d.TeacherId == command.TeacherId && d.State == DeclarationState.Submitted))
        {
            var eligibleOn = d.Role == TeacherRole.Ect ? teacher.EctEligibleForFundingOn : teacher.MentorEligibleForFundingOn;
            if (eligibleOn is null) continue;
            var statement = StatementSummary.Next(statements, d.LeadProviderId, d.ContractPeriodYear, command.Today)
                ?? throw LeadProviderParticipant.CohortClosed(d.ContractPeriodYear);
            events.Add(new DeclarationEligible(d.DeclarationId, statement.StatementId, command.Today));
        }
        return events;
    }
}
