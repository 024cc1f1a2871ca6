using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Pass or fail. Either way the teacher is no longer an ECT: their school, training and mentorship
/// periods finish today (mentors' streams included).
public sealed record RecordInductionOutcome(
    Guid TeacherId,
    Guid AppropriateBodyId,
    InductionOutcome Outcome,
    DateOnly FinishedOn,
    decimal NumberOfTerms,
    DateOnly? FailConfirmationSentOn,
    DateOnly Today)
{
    public sealed class Validator : AbstractValidator<RecordInductionOutcome>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.AppropriateBodyId).NotEmpty();
            RuleFor(c => c.Outcome).IsInEnum();
            RuleFor(c => c.NumberOfTerms).MustBeTerms(0m);
            RuleFor(c => c.FailConfirmationSentOn).NotNull().When(c => c.Outcome == InductionOutcome.Fail)
                .WithMessage("Enter the date the teacher was sent confirmation of their failed induction");
            RuleFor(c => c.FailConfirmationSentOn).Null().When(c => c.Outcome == InductionOutcome.Pass);
        }
    }

    public static IReadOnlyList<StreamEvents> Decide(RecordInductionOutcome command, Teacher state)
    {
        state.EnsureActive();
        if (state.InductionPeriods.Any(p => p.Outcome is not null))
            throw new RuleViolation("induction_outcome_already_recorded", $"{state.DisplayName} already has an induction outcome");
        var open = InductionRules.OpenInductionOf(state, command.AppropriateBodyId);
        InductionRules.CheckEndDate(open, command.FinishedOn, command.Today);
        if (command.FailConfirmationSentOn is { } sent && (sent > command.Today || sent < command.FinishedOn))
            throw new RuleViolation("fail_confirmation_date_invalid", "The date confirmation was sent must be between the end date and today");

        var today = command.Today;
        var decision = new TeacherDecision(command.TeacherId, state);
        decision.Add(new InductionOutcomeRecorded(command.TeacherId, open.Id, command.Outcome, command.FinishedOn, command.NumberOfTerms, command.FailConfirmationSentOn));
        foreach (var period in state.EctPeriods.Where(p => p.Dates.RunsOnOrAfter(today)).ToList())
        {
            if (period.Dates.Start > today)
            {
                // A move that has not happened yet will not happen now.
                decision.FinishInnerPeriods(TeacherRole.Ect, period.Id, period.Dates.Start);
                decision.Add(new EctAtSchoolPeriodRemoved(command.TeacherId, period.Id, period.SchoolId, today));
            }
            else if (period.Dates.End != today)
            {
                decision.LeaveEct(period, today);
            }
        }
        return decision.ByStream();
    }
}
