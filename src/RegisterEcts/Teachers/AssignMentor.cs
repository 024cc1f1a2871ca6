using FluentValidation;
using RegisterEcts.Partnerships;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// The school picks the mentor of an ECT (TeacherId). Touches the ECT's stream, the new mentor's and,
/// when the ECT had one, the previous mentor's.
public sealed record AssignMentor(Guid TeacherId, Guid MentorId, Guid SchoolId, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<AssignMentor>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.MentorId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
        }
    }

    public static IReadOnlyList<StreamEvents> Decide(AssignMentor command, Teacher mentee, Teacher mentor, ReferenceData reference)
    {
        if (command.MentorId == command.TeacherId)
            throw new RuleViolation("mentee_cannot_mentor_themself", "A mentee cannot mentor themself");
        mentee.EnsureActive();
        mentor.EnsureActive();
        var today = command.Today;
        var ectPeriod = mentee.CurrentOrNextEctPeriodAt(command.SchoolId, today)
            ?? throw new RuleViolation("ect_not_at_school", $"{mentee.DisplayName} is not registered as an ECT at your school");
        var mentorPeriod = mentor.CurrentOrNextMentorPeriodAt(command.SchoolId, today)
            ?? throw new RuleViolation("mentor_not_at_school", $"{mentor.DisplayName} is not registered as a mentor at your school");
        var current = mentee.CurrentOrNextMentorship(ectPeriod.Id, today);
        if (current?.MentorId == command.MentorId) return [];

        // A mentorship lies within both the ECT's and the mentor's time at the school.
        var start = Dates.Max(Dates.Max(ectPeriod.Dates.Start, mentorPeriod.Dates.Start), today);
        var end = Dates.Min(ectPeriod.Dates.End, mentorPeriod.Dates.End);
        if (end < start)
            throw new RuleViolation("mentor_leaving_before_start", $"{mentor.DisplayName} leaves your school before this mentorship could start");

        var ect = new TeacherDecision(command.TeacherId, mentee);
        if (current is not null) ect.EndMentorshipBefore(current, start);
        var mentorshipId = ect.NextId;
        ect.Add(new MentorshipStarted(command.TeacherId, mentorshipId, ectPeriod.Id, command.MentorId, mentorPeriod.Id, start, end));

        var mentoring = new TeacherDecision(command.MentorId, mentor);
        mentoring.Add(new MentoringStarted(command.MentorId, command.TeacherId, mentorshipId, mentorPeriod.Id, start, end));
        // A mentor of a provider-led ECT, with no training of their own yet, trains with the ECT's lead provider.
        var ectTraining = mentee.CurrentOrNextTraining(TeacherRole.Ect, ectPeriod.Id, today);
        if (ectTraining?.ProviderLed is { } ectProvider && mentor.MentorIneligibilityReason is null
            && !mentor.TrainingPeriods.Any(p => p.Role == TeacherRole.Mentor))
        {
            var trainingStart = Dates.Max(today, mentorPeriod.Dates.Start);
            IReadOnlyList<SchoolPartnership> partnership = ectProvider.PartnershipId is { } id
                ? [new(id, command.SchoolId, ectProvider.LeadProviderId, ectProvider.DeliveryPartnerId!.Value, ectProvider.ContractPeriodYear)]
                : [];
            var choice = TrainingChoice.For(mentor, TeacherRole.Mentor, command.SchoolId, ectProvider.LeadProviderId, trainingStart, trainingStart,
                partnership, reference, today);
            mentoring.Add(new TrainingPeriodStarted(command.MentorId, mentoring.NextId, TeacherRole.Mentor, mentorPeriod.Id, command.SchoolId,
                trainingStart, mentorPeriod.Dates.End, TrainingProgramme.ProviderLed, choice.Training));
            mentoring.SetMentorFundingEligibility(today);
        }
        return TeacherDecision.ByStream(ect, mentoring);
    }
}
