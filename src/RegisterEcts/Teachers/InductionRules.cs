using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

internal static class InductionRules
{
    /// The open induction this appropriate body holds, which release and outcomes close.
    public static InductionPeriod OpenInductionOf(Teacher state, Guid appropriateBodyId)
    {
        state.EnsureActive();
        var open = state.OpenInduction
            ?? throw new RuleViolation("induction_not_claimed", $"{state.DisplayName} does not have an open induction period");
        return open.AppropriateBodyId == appropriateBodyId
            ? open
            : throw new RuleViolation("induction_claimed_by_another_body", $"{state.DisplayName} is claimed by another appropriate body");
    }

    public static void CheckEndDate(InductionPeriod open, DateOnly finishedOn, DateOnly today)
    {
        if (finishedOn > today)
            throw new RuleViolation("induction_end_in_future", "End date cannot be in the future");
        if (finishedOn < open.Dates.Start)
            throw new RuleViolation("induction_end_before_start", $"End date must be on or after the start date ({Dates.Govuk(open.Dates.Start)})");
    }
}
