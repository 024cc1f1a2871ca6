using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;

namespace RegisterEcts.Declarations;

/// A lead provider declares a participant's milestone (POST /participant-declarations). DeclarationId is a new uuid v7.
/// The caller passes the teacher's declarations in both roles under every lead provider (duplicates and sequence are
/// checked across them) and the lead provider's statements.
public sealed partial record SubmitDeclaration(
    Guid DeclarationId, Guid TeacherId, Guid LeadProviderId, string? CourseIdentifier, string? DeclarationType,
    string? DeclarationDate, string? EvidenceHeld, DateTimeOffset Now)
{
    public sealed class Validator : AbstractValidator<SubmitDeclaration>
    {
        public Validator()
        {
            RuleFor(c => c.DeclarationId).NotEmpty();
            RuleFor(c => c.LeadProviderId).NotEmpty();
        }
    }

    public static readonly IReadOnlyList<string> SimpleEvidence =
        ["training-event-attended", "self-study-material-completed", "materials-engaged-with-offline", "other"];

    private static readonly string[] Engagement = ["75-percent-engagement-met", "75-percent-engagement-met-reduced-induction"];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex Rfc3339();

    public static IReadOnlyList<object> Decide(
        SubmitDeclaration command, Teacher teacher, IReadOnlyList<DeclarationSummary> teacherDeclarations,
        IReadOnlyList<StatementSummary> statements, ReferenceData reference)
    {
        var today = DateOnly.FromDateTime(command.Now.UtcDateTime);
        if (command.TeacherId == Guid.Empty) throw new RuleViolation("participant_id", "Enter a '#/participant_id'.");
        var (role, period) = LeadProviderParticipant.Resolve(teacher, command.LeadProviderId, command.CourseIdentifier);
        var training = period.ProviderLed!;
        var cohort = reference.FindContractPeriod(training.ContractPeriodYear)
            ?? throw new RuleViolation("cohort", $"The {training.ContractPeriodYear} cohort is not known");

        if (string.IsNullOrWhiteSpace(command.DeclarationDate)) throw new RuleViolation("declaration_date", "Enter a '#/declaration_date'.");
        if (!Rfc3339().IsMatch(command.DeclarationDate)
            || !DateTimeOffset.TryParse(command.DeclarationDate, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new RuleViolation("declaration_date", "Enter a valid RCF3339 '#/declaration_date'.");
        if (date > command.Now)
            throw new RuleViolation("declaration_date", "The '#/declaration_date' value cannot be a future date. Check the date and try again.");

        var type = command.DeclarationType;
        if (string.IsNullOrWhiteSpace(type)) throw new RuleViolation("declaration_type", "Enter a '#/declaration_type'.");
        if (!ReferenceSeed.DeclarationTypes.Contains(type)) throw new RuleViolation("declaration_type", "Enter a valid declaration type.");

        CheckEvidence(role, type, command.EvidenceHeld, cohort.DetailedEvidenceTypesEnabled);

        var schedule = reference.FindSchedule(training.ContractPeriodYear, training.ScheduleIdentifier)
            ?? throw new RuleViolation("declaration_type", "The property '#/declaration_type' does not exist for this schedule.");
        if (MilestoneRules.Check(schedule, type, date) is { } milestone) throw milestone;

        var live = teacherDeclarations.Where(d => d.TeacherId == command.TeacherId && d.Role == role && d.State.IsLive()).ToList();
        if (live.Any(d => d.DeclarationType == type))
            throw new RuleViolation("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event.");
        if (role == TeacherRole.Mentor && cohort.MentorFundingEnabled && type is not ("started" or "completed"))
            throw new RuleViolation("declaration_type",
                "You cannot send retained or extended declarations for participants who began their mentor training after June 2025. Resubmit this declaration with either a started or completed declaration.");

        // Only the date is kept for a withdrawal, so a declaration dated on the withdrawal day is accepted.
        var withdrawnOn = period.Status == TrainingStatus.Withdrawn ? period.Dates.End : null;
        if (withdrawnOn is { } withdrawn && DateOnly.FromDateTime(date.UtcDateTime) > withdrawn)
            throw new RuleViolation("participant_id",
                $"This participant withdrew from this course on {withdrawn:yyyy-MM-dd}T00:00:00Z. Enter a '#/declaration_date' that's on or before the withdrawal date.");

        if (cohort.Year >= 2025)
        {
            var order = IndexOf(type);
            if (live.Any(d => (IndexOf(d.DeclarationType) < order && d.DeclarationDate > date) || (IndexOf(d.DeclarationType) > order && d.DeclarationDate < date)))
                throw new RuleViolation("declaration_date",
                    "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates for this participant.");
        }

        var eligible = (role == TeacherRole.Ect ? teacher.EctEligibleForFundingOn : teacher.MentorEligibleForFundingOn) is not null;
        var statement = StatementSummary.Next(statements, command.LeadProviderId, cohort.Year, today);
        if (eligible && statement is null) throw LeadProviderParticipant.CohortClosed(cohort.Year);
        var todays = teacher.TrainingPeriods.FirstOrDefault(p => p.Role == role && p.Dates.Contains(today) && p.ProviderLed is not null);
        if (todays is not null && reference.IsPaymentsFrozen(todays.ProviderLed!.ContractPeriodYear, today))
            throw LeadProviderParticipant.CohortClosed(todays.ProviderLed.ContractPeriodYear, "submit");

        List<object> events =
        [
            new DeclarationSubmitted(command.DeclarationId, command.TeacherId, command.LeadProviderId, period.Id, role, type, date,
                string.IsNullOrWhiteSpace(command.EvidenceHeld) ? null : command.EvidenceHeld, cohort.Year, training.DeliveryPartnerId,
                role == TeacherRole.Ect ? MentorOn(teacher, period, DateOnly.FromDateTime(date.UtcDateTime)) : null, today),
        ];
        if (eligible) events.Add(new DeclarationEligible(command.DeclarationId, statement!.StatementId, today));
        return events;
    }

    private static int IndexOf(string type) => ReferenceSeed.DeclarationTypes.ToList().IndexOf(type);

    /// Evidence depends on the declaration type, the role, and (from 2025) the cohort's detailed evidence rules.
    private static void CheckEvidence(TeacherRole role, string type, string? evidence, bool detailed)
    {
        IReadOnlyList<string>? allowed = (detailed, role, type) switch
        {
            (false, _, "started") => null,
            (false, _, _) => ["training-event-attended", "self-study-material-completed", "other"],
            (true, TeacherRole.Ect, "retained-2") => Engagement,
            (true, TeacherRole.Ect, "completed") => [.. Engagement, "one-term-induction"],
            (true, TeacherRole.Mentor, "completed") => Engagement,
            _ => SimpleEvidence,
        };
        if (allowed is null)
        {
            // Pre-2025 "started" needs no evidence, but evidence given must still be one of the simple values.
            if (!string.IsNullOrWhiteSpace(evidence) && !new[] { "training-event-attended", "self-study-material-completed", "other" }.Contains(evidence))
                throw new RuleViolation("evidence_held", "Enter an available '#/evidence_held' type for this participant.");
            return;
        }
        if (string.IsNullOrWhiteSpace(evidence)) throw new RuleViolation("evidence_held", "Enter a '#/evidence_held' value for this participant.");
        if (!allowed.Contains(evidence)) throw new RuleViolation("evidence_held", "Enter an available '#/evidence_held' type for this participant.");
    }

    /// The mentor of the mentorship closest to the declaration date in the training's school period.
    private static Guid? MentorOn(Teacher teacher, TrainingPeriod period, DateOnly day) =>
        teacher.Mentorships.Where(m => m.EctPeriodId == period.AtSchoolPeriodId)
            .OrderBy(m => m.Dates.Contains(day) ? 0 : 1)
            .ThenBy(m => Math.Abs(m.Dates.Start.DayNumber - day.DayNumber))
            .FirstOrDefault()?.MentorId;
}
