using FluentValidation;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// A school registers a mentor by TRN. LeadProviderId is the lead provider of the ECT they will mentor,
/// when that ECT is provider-led; it is what gives the mentor training of their own.
public sealed record RegisterMentor(
    Guid TeacherId,
    string Trn,
    string Name,
    string? Email,
    Guid SchoolId,
    DateOnly? StartedOn,
    bool MentoringAtThisSchoolOnly,
    Guid? LeadProviderId,
    IReadOnlyList<SchoolPartnership> Partnerships,
    DateOnly Today)
{
    public sealed class Validator : AbstractValidator<RegisterMentor>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.Trn).MustBeTrn();
            RuleFor(c => c.Name).MustBeName();
            RuleFor(c => c.Email).MustBeEmail();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEqual(Guid.Empty);
            RuleFor(c => c.Partnerships).NotNull();
        }
    }

    public static IReadOnlyList<StreamEvents> Decide(RegisterMentor command, Teacher state, ReferenceData reference)
    {
        var trn = Registration.CheckTrn(command.Trn, state);
        var name = state.Exists ? state.DisplayName : command.Name;
        var start = command.StartedOn ?? command.Today;
        var today = command.Today;

        var atThisSchool = state.MentorPeriods.Where(p => p.SchoolId == command.SchoolId).ToList();
        if (atThisSchool.Any(p => p.Dates.IsOpen))
            throw new RuleViolation("mentor_already_registered_at_school", $"{name} is already registered as a mentor at your school");
        if (atThisSchool.Any(p => p.Dates.RunsOnOrAfter(start)))
            throw new RuleViolation("mentor_period_overlaps", "Start date cannot overlap another Teacher School Mentor period");

        var decision = new TeacherDecision(command.TeacherId, state);
        if (command.MentoringAtThisSchoolOnly)
        {
            foreach (var other in state.MentorPeriods.Where(p => p.Dates.RunsOnOrAfter(start)).ToList())
            {
                decision.CheckBoundary(TeacherRole.Mentor, other.Dates, other.Id, start, today, "another school");
                decision.LeaveMentor(other, start.AddDays(-1));
            }
        }

        var mentorPeriodId = decision.NextId;
        decision.Add(new TeacherRegisteredAsMentor(command.TeacherId, trn, command.Name, command.Email, mentorPeriodId, command.SchoolId, start));

        // Mentors train at one school at a time, and never again once their funding has ended.
        var mentorsElsewhere = decision.State.MentorPeriods.Any(p => p.SchoolId != command.SchoolId && p.Dates.RunsOnOrAfter(start));
        var alreadyTraining = decision.State.TrainingPeriods.Any(p => p.Role == TeacherRole.Mentor && p.Dates.RunsOnOrAfter(start));
        if (command.LeadProviderId is { } leadProviderId && state.MentorIneligibilityReason is null && !mentorsElsewhere && !alreadyTraining)
        {
            var choice = TrainingChoice.For(decision.State, TeacherRole.Mentor, command.SchoolId, leadProviderId, start, start,
                command.Partnerships, reference, today);
            decision.Add(new TrainingPeriodStarted(command.TeacherId, decision.NextId, TeacherRole.Mentor, mentorPeriodId, command.SchoolId,
                start, null, TrainingProgramme.ProviderLed, choice.Training));
        }
        decision.SetMentorFundingEligibility(today);
        return decision.ByStream();
    }
}
