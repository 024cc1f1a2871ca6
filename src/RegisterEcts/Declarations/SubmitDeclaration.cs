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

    /// Every broken rule is reported at once (one error per field: a later check on a field that already failed is
    /// skipped, as in the reference); checks that need a participant, a date or a type run only once those are valid.
    public static IReadOnlyList<object> Decide(
        SubmitDeclaration command, Teacher teacher, IReadOnlyList<DeclarationSummary> teacherDeclarations,
        IReadOnlyList<StatementSummary> statements, ReferenceData reference)
    {
        var today = DateOnly.FromDateTime(command.Now.UtcDateTime);
        var errors = new List<RuleViolation>();
        void Fail(RuleViolation? violation)
        {
            if (violation is not null && errors.All(e => e.Code != violation.Code)) errors.Add(violation);
        }
        bool Failed(string field) => errors.Any(e => e.Code == field);

        (TeacherRole Role, TrainingPeriod Period)? participant = null;
        if (command.TeacherId == Guid.Empty) Fail(new("participant_id", "Enter a '#/participant_id'."));
        else
        {
            try
            {
                participant = LeadProviderParticipant.Resolve(teacher, command.LeadProviderId, command.CourseIdentifier);
            }
            catch (RuleViolation violation)
            {
                Fail(violation);
            }
        }
        var training = participant?.Period.ProviderLed;
        var cohort = training is null ? null : reference.FindContractPeriod(training.ContractPeriodYear);
        if (training is not null && cohort is null) Fail(new("cohort", $"The {training.ContractPeriodYear} cohort is not known"));

        DateTimeOffset? date = null;
        if (string.IsNullOrWhiteSpace(command.DeclarationDate)) Fail(new("declaration_date", "Enter a '#/declaration_date'."));
        else if (!Rfc3339().IsMatch(command.DeclarationDate)
            || !DateTimeOffset.TryParse(command.DeclarationDate, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            Fail(new("declaration_date", "Enter a valid RCF3339 '#/declaration_date'."));
        else if (parsed > command.Now)
            Fail(new("declaration_date", "The '#/declaration_date' value cannot be a future date. Check the date and try again."));
        else date = parsed;

        var type = command.DeclarationType;
        if (string.IsNullOrWhiteSpace(type)) Fail(new("declaration_type", "Enter a '#/declaration_type'."));
        else if (!ReferenceSeed.DeclarationTypes.Contains(type)) Fail(new("declaration_type", "Enter a valid declaration type."));
        var typeKnown = !Failed("declaration_type");

        if (participant is not { } p || cohort is null || !typeKnown) throw RuleViolation.Several(errors);
        var (role, period) = p;

        Fail(EvidenceProblem(role, type!, command.EvidenceHeld, cohort.DetailedEvidenceTypesEnabled));

        var schedule = reference.FindSchedule(training!.ContractPeriodYear, training.ScheduleIdentifier);
        if (schedule is null) Fail(new("declaration_type", "The property '#/declaration_type' does not exist for this schedule."));
        else if (date is { } d) Fail(MilestoneRules.Check(schedule, type!, d));
        else if (schedule.Milestones.All(m => m.DeclarationType != type))
            Fail(new("declaration_type", "The property '#/declaration_type' does not exist for this schedule."));

        var live = teacherDeclarations.Where(x => x.TeacherId == command.TeacherId && x.Role == role && x.State.IsLive()).ToList();
        if (live.Any(x => x.DeclarationType == type))
            Fail(new("declaration_type", "A declaration has already been submitted that will be, or has been, paid for this event."));
        if (role == TeacherRole.Mentor && cohort.MentorFundingEnabled && type is not ("started" or "completed"))
            Fail(new("declaration_type",
                "You cannot send retained or extended declarations for participants who began their mentor training after June 2025. Resubmit this declaration with either a started or completed declaration."));

        // Only the date is kept for a withdrawal, so a declaration dated on the withdrawal day is accepted.
        var withdrawnOn = period.Status == TrainingStatus.Withdrawn ? period.Dates.End : null;
        if (withdrawnOn is { } withdrawn && date is { } declared && DateOnly.FromDateTime(declared.UtcDateTime) > withdrawn)
            Fail(new("participant_id",
                $"This participant withdrew from this course on {withdrawn:yyyy-MM-dd}T00:00:00Z. Enter a '#/declaration_date' that's on or before the withdrawal date."));

        if (cohort.Year >= 2025 && date is { } on)
        {
            var order = IndexOf(type!);
            if (live.Any(x => (IndexOf(x.DeclarationType) < order && x.DeclarationDate > on) || (IndexOf(x.DeclarationType) > order && x.DeclarationDate < on)))
                Fail(new("declaration_date",
                    "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates for this participant."));
        }

        var eligible = (role == TeacherRole.Ect ? teacher.EctEligibleForFundingOn : teacher.MentorEligibleForFundingOn) is not null;
        var statement = StatementSummary.Next(statements, command.LeadProviderId, cohort.Year, today);
        if (eligible && statement is null) Fail(LeadProviderParticipant.CohortClosed(cohort.Year));
        var todays = teacher.TrainingPeriods.FirstOrDefault(x => x.Role == role && x.Dates.Contains(today) && x.ProviderLed is not null);
        if (todays is not null && reference.IsPaymentsFrozen(todays.ProviderLed!.ContractPeriodYear, today))
            Fail(LeadProviderParticipant.CohortClosed(todays.ProviderLed.ContractPeriodYear, "submit"));

        if (errors.Count > 0) throw RuleViolation.Several(errors);
        List<object> events =
        [
            new DeclarationSubmitted(command.DeclarationId, command.TeacherId, command.LeadProviderId, period.Id, role, type!, date!.Value,
                string.IsNullOrWhiteSpace(command.EvidenceHeld) ? null : command.EvidenceHeld, cohort.Year, training.DeliveryPartnerId,
                role == TeacherRole.Ect ? MentorOn(teacher, period, DateOnly.FromDateTime(date.Value.UtcDateTime)) : null, today),
        ];
        if (eligible) events.Add(new DeclarationEligible(command.DeclarationId, statement!.StatementId, today));
        return events;
    }

    private static int IndexOf(string type) => ReferenceSeed.DeclarationTypes.ToList().IndexOf(type);

    /// Evidence depends on the declaration type, the role, and (from 2025) the cohort's detailed evidence rules.
    private static RuleViolation? EvidenceProblem(TeacherRole role, string type, string? evidence, bool detailed)
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
            return !string.IsNullOrWhiteSpace(evidence) && !new[] { "training-event-attended", "self-study-material-completed", "other" }.Contains(evidence)
                ? new RuleViolation("evidence_held", "Enter an available '#/evidence_held' type for this participant.")
                : null;
        }
        if (string.IsNullOrWhiteSpace(evidence)) return new RuleViolation("evidence_held", "Enter a '#/evidence_held' value for this participant.");
        return allowed.Contains(evidence) ? null : new RuleViolation("evidence_held", "Enter an available '#/evidence_held' type for this participant.");
    }

    /// The mentor of the mentorship closest to the declaration date in the training's school period.
    private static Guid? MentorOn(Teacher teacher, TrainingPeriod period, DateOnly day) =>
        teacher.Mentorships.Where(m => m.EctPeriodId == period.AtSchoolPeriodId)
            .OrderBy(m => m.Dates.Contains(day) ? 0 : 1)
            .ThenBy(m => Math.Abs(m.Dates.Start.DayNumber - day.DayNumber))
            .FirstOrDefault()?.MentorId;
}
