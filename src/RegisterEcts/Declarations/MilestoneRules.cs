using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Declarations;

/// Whether a declaration fits its schedule: a milestone for its type, and a date inside the milestone's window.
public static class MilestoneRules
{
    /// Null when it fits; otherwise the reference's error.
    public static RuleViolation? Check(Schedule schedule, string declarationType, DateTimeOffset declarationDate)
    {
        var milestone = schedule.Milestones.FirstOrDefault(m => m.DeclarationType == declarationType);
        if (milestone is null)
            return new RuleViolation("declaration_type", "The property '#/declaration_type' does not exist for this schedule.");
        var day = DateOnly.FromDateTime(declarationDate.UtcDateTime);
        if (day < milestone.StartDate)
            return new RuleViolation("declaration_date", "Declaration date must be on or after the milestone start date for the same declaration type.");
        if (milestone.MilestoneDate is { } end && day > end)
            return new RuleViolation("declaration_date", "Declaration date must be on or before the milestone date for the same declaration type.");
        return null;
    }
}
