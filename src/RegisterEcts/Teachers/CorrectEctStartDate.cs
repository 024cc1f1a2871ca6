using FluentValidation;
using RegisterEcts.Reference;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Support corrects when an ECT started at a school, giving a reason (and Zendesk ticket when there is one).
public sealed record CorrectEctStartDate(Guid TeacherId, Guid SchoolId, DateOnly StartedOn, string Reason, string? SupportTicket, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<CorrectEctStartDate>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.SchoolId).NotEmpty();
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Enter a reason");
        }
    }

    public static IReadOnlyList<object> Decide(CorrectEctStartDate command, Teacher state, ReferenceData reference)
    {
        state.EnsureActive();
        var period = state.EctPeriods.Where(p => p.SchoolId == command.SchoolId).MaxBy(p => p.Dates.Start)
            ?? throw new RuleViolation("ect_not_at_school", $"{state.DisplayName} is not registered as an ECT at that school");
        var start = command.StartedOn;
        if (period.Dates.Start == start) return [];

        if (reference.EarliestPermittedStartDate(command.Today) is { } earliest && start < earliest)
            throw new RuleViolation("start_date_too_early",
                $"Start date cannot be earlier than the last 2 registration periods. Enter a date later than {Dates.Govuk(earliest)}");
        if (state.EctPeriods.Any(p => p.Id != period.Id && p.Dates.Overlaps(period.Dates with { Start = start })))
            throw new RuleViolation("ect_period_overlaps", "Start date cannot overlap another Teacher ECT period");
        if (period.Dates.End is { } end && end <= start.AddDays(1))
            throw new RuleViolation("date_before_period_start", $"The start date must be more than one day before {state.DisplayName} left on {Dates.Govuk(end)}");
        // Training and mentorships must stay inside the period; they are corrected on their own.
        var firstInner = state.TrainingIn(TeacherRole.Ect, period.Id).Select(t => t.Dates.Start)
            .Concat(state.Mentorships.Where(m => m.EctPeriodId == period.Id).Select(m => m.Dates.Start))
            .DefaultIfEmpty(DateOnly.MaxValue).Min();
        if (start > firstInner)
            throw new RuleViolation("start_date_after_training_start",
                $"The start date cannot be after {state.DisplayName}'s training or mentoring began on {Dates.Govuk(firstInner)}");

        return [new EctStartDateCorrected(command.TeacherId, period.Id, period.Dates.Start, start, command.Reason, command.SupportTicket)];
    }
}
