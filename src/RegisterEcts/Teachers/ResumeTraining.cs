using FluentValidation;
using RegisterEcts.Declarations;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// A lead provider resumes deferred or withdrawn training (PUT /participants/{id}/resume): the old period keeps
/// its status, and a new active one runs from today to the end of the school period, same partnership and schedule.
public sealed record ResumeTraining(Guid TeacherId, Guid LeadProviderId, string? CourseIdentifier, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<ResumeTraining>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
        }
    }

    public static IReadOnlyList<object> Decide(ResumeTraining command, Teacher state)
    {
        var (role, period) = LeadProviderParticipant.Resolve(state, command.LeadProviderId, command.CourseIdentifier);
        var today = command.Today;
        if (period.Status == TrainingStatus.Active) throw new RuleViolation("participant_id", "The '#/participant_id' is already active.");
        if (state.TrainingIn(role, period.AtSchoolPeriodId).Any(p => p.Id != period.Id && p.Dates.Contains(today)))
            throw new RuleViolation("participant_id", "This participant cannot be resumed because they are already active with another provider.");
        if (period.Dates.End == today)
            throw new RuleViolation("participant_id", "You cannot resume a participant on the same day they were withdrawn or deferred. Resume them tomorrow or later.");
        DateRange? atSchool = role == TeacherRole.Ect
            ? state.EctPeriods.FirstOrDefault(p => p.Id == period.AtSchoolPeriodId)?.Dates
            : state.MentorPeriods.FirstOrDefault(p => p.Id == period.AtSchoolPeriodId)?.Dates;
        if (atSchool is not { } school || school.End <= today)
            throw new RuleViolation("participant_id", "The participant is no longer at the school. Please contact the induction tutor to resolve.");

        var newId = state.LastId + 1;
        return
        [
            new TrainingPeriodStarted(command.TeacherId, newId, role, period.AtSchoolPeriodId, period.SchoolId, today, school.End,
                TrainingProgramme.ProviderLed, period.ProviderLed),
            new TrainingPeriodResumed(command.TeacherId, period.Id, newId, today),
        ];
    }
}
