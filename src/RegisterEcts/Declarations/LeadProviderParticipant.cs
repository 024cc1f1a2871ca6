using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Declarations;

/// What a lead provider's request says about a participant, and the checks every participant action shares.
/// Codes and messages are the reference API's error titles and details, so the API can return them as they are.
public static class LeadProviderParticipant
{
    public const string EctCourse = "ecf-induction";
    public const string MentorCourse = "ecf-mentor";

    public static TeacherRole? RoleOf(string? courseIdentifier) => courseIdentifier switch
    {
        EctCourse => TeacherRole.Ect,
        MentorCourse => TeacherRole.Mentor,
        _ => null,
    };

    public static string CourseOf(TeacherRole role) => role == TeacherRole.Ect ? EctCourse : MentorCourse;

    /// The lead provider's latest training period for the role: only periods with one of its partnerships count,
    /// because those are what the provider can see (expressions of interest are not).
    public static TrainingPeriod? LatestFor(Teacher teacher, Guid leadProviderId, TeacherRole role) =>
        teacher.TrainingPeriods
            .Where(p => p.Role == role && p.ProviderLed is { PartnershipId: not null } t && t.LeadProviderId == leadProviderId)
            .MaxBy(p => p.Dates.Start);

    /// The shared checks, in the reference's order: course given, participant known, course recognised.
    public static (TeacherRole Role, TrainingPeriod Period) Resolve(Teacher teacher, Guid leadProviderId, string? courseIdentifier)
    {
        if (string.IsNullOrWhiteSpace(courseIdentifier)) throw CourseMissing();
        // A teacher this provider has never trained is not its participant (the API answers 404 before this).
        if (!teacher.Exists || teacher.MergedInto is not null
            || (LatestFor(teacher, leadProviderId, TeacherRole.Ect) ?? LatestFor(teacher, leadProviderId, TeacherRole.Mentor)) is null)
            throw ParticipantNotRecognised();
        var role = RoleOf(courseIdentifier) ?? throw CourseNotRecognised();
        var period = LatestFor(teacher, leadProviderId, role) ?? throw CourseNotRecognised();
        return (role, period);
    }

    public static RuleViolation CourseMissing() => new("course_identifier", "Enter a '#/course_identifier'.");

    public static RuleViolation CourseNotRecognised() =>
        new("course_identifier", "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again.");

    public static RuleViolation ParticipantNotRecognised() =>
        new("participant_id", "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again.");

    public static RuleViolation CohortClosed(int year, string verb = "submit or void") =>
        new("cohort", $"You cannot {verb} declarations for the {year} cohort. The funding contract for this cohort has ended. Get in touch if you need to discuss this with us.");
}
