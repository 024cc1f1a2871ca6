using FluentValidation;
using RegisterEcts.Declarations;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// A lead provider pauses its latest training for the course (PUT /participants/{id}/defer).
public sealed record DeferTraining(Guid TeacherId, Guid LeadProviderId, string? CourseIdentifier, string? Reason, DateOnly Today)
{
    public static readonly IReadOnlyDictionary<string, DeferralReason> Reasons = new Dictionary<string, DeferralReason>
    {
        ["bereavement"] = DeferralReason.Bereavement,
        ["long-term-sickness"] = DeferralReason.LongTermSickness,
        ["parental-leave"] = DeferralReason.ParentalLeave,
        ["career-break"] = DeferralReason.CareerBreak,
        ["other"] = DeferralReason.Other,
    };

    public sealed class Validator : AbstractValidator<DeferTraining>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
        }
    }

    public static IReadOnlyList<object> Decide(DeferTraining command, Teacher state)
    {
        var (_, period) = LeadProviderParticipant.Resolve(state, command.LeadProviderId, command.CourseIdentifier);
        if (string.IsNullOrWhiteSpace(command.Reason)) throw new RuleViolation("reason", "Enter a '#/reason'.");
        if (!Reasons.TryGetValue(command.Reason, out var reason))
            throw new RuleViolation("reason", "The entered '#/reason' is not recognised for the given participant. Check details and try again.");
        if (period.Status == TrainingStatus.Deferred) throw new RuleViolation("participant_id", "The '#/participant_id' is already deferred.");
        if (period.Status == TrainingStatus.Withdrawn) throw new RuleViolation("participant_id", "The '#/participant_id' is already withdrawn.");
        CheckTrainedForADay(period, command.Today, "defer");
        return [new TrainingPeriodDeferred(command.TeacherId, period.Id, reason, command.Today)];
    }

    /// Deferring or withdrawing ends the period today, so it must have begun before today.
    internal static void CheckTrainedForADay(TrainingPeriod period, DateOnly today, string verb)
    {
        if (period.Dates.Start > today)
            throw new RuleViolation("participant_id",
                $"You cannot {verb} #/participant_id. This is because they have not been training with you for at least one day.");
        if (period.Dates.Start == today)
            throw new RuleViolation("participant_id",
                "You cannot defer or withdraw this participant today. You need to try again tomorrow as the training was recently changed for this participant.");
    }
}
