using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// GIAS merged the school into its successor (rect-domain §2.4 "Merge"): every ECT and mentor period
/// the teacher has there moves to the successor, and training under a partnership the import has
/// re-created at the successor follows it. RecreatedPartnerships maps the old partnership id to the new.
public sealed record MoveSchoolPeriods(
    Guid TeacherId, Guid FromSchoolId, Guid ToSchoolId, DateOnly MovedOn, IReadOnlyDictionary<Guid, Guid> RecreatedPartnerships)
{
    public sealed class Validator : AbstractValidator<MoveSchoolPeriods>
    {
        public Validator()
        {
            RuleFor(c => c.TeacherId).NotEmpty();
            RuleFor(c => c.FromSchoolId).NotEmpty();
            RuleFor(c => c.ToSchoolId).NotEmpty().NotEqual(c => c.FromSchoolId).WithMessage("A school cannot merge into itself");
            RuleFor(c => c.RecreatedPartnerships).NotNull();
        }
    }

    /// Only this teacher's stream changes: a mentee's mentorship keeps naming the same mentor. Nothing
    /// left at the old school (a second import of the same files) decides nothing.
    public static IReadOnlyList<object> Decide(MoveSchoolPeriods command, Teacher state)
    {
        if (!state.Exists) throw new RuleViolation("teacher_not_found", "The teacher is not registered");
        if (state.MergedInto is not null || state.Erased) return [];
        var (id, from, to, on) = (command.TeacherId, command.FromSchoolId, command.ToSchoolId, command.MovedOn);
        var decision = new TeacherDecision(id, state);

        // ECT periods never overlap one another, wherever they are, so they can simply move.
        foreach (var period in state.EctPeriods.Where(p => p.SchoolId == from).ToList())
            decision.Add(new EctAtSchoolPeriodMovedSchool(id, period.Id, from, to, on));

        // Mentor periods may not overlap at one school: one that meets a period the mentor already has at
        // the successor becomes part of it, as the reference service merges them.
        foreach (var period in state.MentorPeriods.Where(p => p.SchoolId == from).ToList())
        {
            var overlapping = decision.State.MentorPeriods.Where(p => p.SchoolId == to && p.Dates.Overlaps(period.Dates)).ToList();
            if (overlapping.Count == 0)
            {
                decision.Add(new MentorAtSchoolPeriodMovedSchool(id, period.Id, from, to, on));
                continue;
            }
            if (overlapping.Count > 1)
                throw new RuleViolation("mentor_periods_overlap",
                    $"{state.DisplayName}'s mentor period from {Dates.Govuk(period.Dates.Start)} overlaps {overlapping.Count} periods at the successor school; a person must decide");
            var into = overlapping[0];
            DateOnly? end = period.Dates.End is { } a && into.Dates.End is { } b ? Dates.Max(a, b) : null;
            var start = Dates.Min(period.Dates.Start, into.Dates.Start)!.Value;
            decision.Add(new MentorAtSchoolPeriodsMerged(id, period.Id, into.Id, from, to, start, end, on));
        }

        foreach (var training in decision.State.TrainingPeriods.Where(t => t.SchoolId == to).ToList())
        {
            if (training.ProviderLed?.PartnershipId is { } old && command.RecreatedPartnerships.TryGetValue(old, out var recreated) && recreated != old)
                decision.Add(new TrainingPeriodPartnershipRecreated(id, training.Id, old, recreated, on));
        }
        return decision.Events;
    }
}
