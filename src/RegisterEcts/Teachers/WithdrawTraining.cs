using FluentValidation;
using RegisterEcts.Declarations;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// A lead provider stops its latest training for the course (PUT /participants/{id}/withdraw). Deferred training can be withdrawn.
public sealed record WithdrawTraining(Guid TeacherId, Guid LeadProviderId, string? CourseIdentifier, string? Reason, DateOnly Today)
{
    public static readonly IReadOnlyDictionary<string, WithdrawalReason> Reasons = new Dictionary<string, WithdrawalReason>
    {
        ["left-teaching-profession"] = WithdrawalReason.LeftTeachingProfession,
        ["moved-school"] = WithdrawalReason.MovedSchool,
        ["mentor-no-longer-being-mentor"] = WithdrawalReason.MentorNoLongerBeingMentor,
        ["switched-to-school-led"] = WithdrawalReason.SwitchedToSchoolLed,
        ["changed-lead-provider"] = WithdrawalReason.ChangedLeadProvider,
        ["other"] = WithdrawalReason.Other,
    };

    public sealed class Validator : AbstractValidator<WithdrawTraining>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
        }
    }

    public static IReadOnlyList<object> Decide(WithdrawTraining command, Teacher state)
    {
        var (role, period) = LeadProviderParticipant.Resolve(state, command.LeadProviderId, command.CourseIdentifier);
        if (string.IsNullOrWhiteSpace(command.Reason)) throw new RuleViolation("reason", "Enter a '#/reason'.");
        if (!Reasons.TryGetValue(command.Reason, out var reason))
            throw new RuleViolation("reason", "The entered '#/reason' is not recognised for the given participant. Check details and try again.");
        if (role == TeacherRole.Ect && reason == WithdrawalReason.MentorNoLongerBeingMentor)
            throw new RuleViolation("reason", "You cannot withdraw an ECT for this reason. The ECT is not a mentor.");
        if (period.Status == TrainingStatus.Withdrawn) throw new RuleViolation("participant_id", "The '#/participant_id' is already withdrawn.");
        DeferTraining.CheckTrainedForADay(period, command.Today, "withdraw");
        return [new TrainingPeriodWithdrawn(command.TeacherId, period.Id, reason, command.Today)];
    }
}
