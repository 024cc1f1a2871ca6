using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Declarations;

/// A mentor's "completed" declaration ends their funding and their training with that lead provider
/// (the reference's Declarations::MentorCompletion, on create). Events for the teacher's stream, appended
/// in the same transaction as the declaration.
public static class MentorCompletion
{
    public static IReadOnlyList<object> OnSubmitted(Teacher teacher, DeclarationSubmitted declaration, DateOnly today)
    {
        if (declaration is not { Role: TeacherRole.Mentor, DeclarationType: "completed" }) return [];
        var completedOn = DateOnly.FromDateTime(declaration.DeclarationDate.UtcDateTime);
        var events = new List<object>();
        if (teacher.MentorIneligibleForFundingOn != completedOn)
            events.Add(new TeacherBecameIneligibleForFunding(declaration.TeacherId, TeacherRole.Mentor, completedOn, MentorIneligibilityReason.CompletedDeclarationReceived));
        var training = LeadProviderParticipant.LatestFor(teacher, declaration.LeadProviderId, TeacherRole.Mentor);
        if (training is not null && training.Dates.RunsOnOrAfter(today.AddDays(1)))
            // A period lasts at least a day, so a completion dated on its first day ends it the day after.
            events.Add(new TrainingPeriodFinished(declaration.TeacherId, training.Id, Dates.Max(completedOn, training.Dates.Start.AddDays(1))));
        return events;
    }
}
