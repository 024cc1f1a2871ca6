using FluentValidation;
using RegisterEcts.Shared;

namespace RegisterEcts.Teachers;

/// Support found two records for one person: the duplicate's (source's) periods, mentorships, inductions and
/// extensions move to the kept teacher under new ids, the duplicate is retired, and lead providers are told its
/// id became the kept teacher's (rect-domain §2.6).
public sealed record MergeTeachers(Guid SourceTeacherId, Guid IntoTeacherId, string Reason, string? SupportTicket, DateOnly Today)
{
    public sealed class Validator : AbstractValidator<MergeTeachers>
    {
        public Validator()
        {
            RuleFor(c => c.SourceTeacherId).NotEmpty();
            RuleFor(c => c.IntoTeacherId).NotEmpty();
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Enter a reason");
        }
    }

    /// Mentorships other teachers hold with the duplicate (the mentor's copy of a mentee's mentorship, or the
    /// mentee's copy naming the duplicate as mentor) are left alone: they go on naming the duplicate's id and
    /// its old period ids, which the id change lets readers follow.
    public static IReadOnlyList<StreamEvents> Decide(MergeTeachers command, Teacher source, Teacher into)
    {
        if (command.SourceTeacherId == command.IntoTeacherId)
            throw new RuleViolation("merge_into_self", "A teacher cannot be merged into themself");
        if (source.MergedInto == command.IntoTeacherId) return [];
        source.EnsureActive();
        into.EnsureActive();
        var (from, to, on) = (command.SourceTeacherId, command.IntoTeacherId, command.Today);

        var moved = Renumber(source, into, on);
        EnsureFits(moved, into);
        // The history moves first; the retirement and the id change stay the last facts on each stream.
        List<object> retired = [new TeacherMerged(from, to, on)], kept = [new TeacherIdChanged(to, from, on)];
        if (moved.NewIds.Count > 0 || moved.Mentorings.Count > 0)
        {
            retired.Insert(0, new TeacherHistoryMoved(from, to, on));
            kept.Insert(0, moved);
        }
        return [new(from, retired), new(to, kept)];
    }

    // New ids follow on from the kept teacher's last one, in the order the duplicate's stream holds them.
    private static TeacherHistoryMerged Renumber(Teacher source, Teacher into, DateOnly on)
    {
        var next = into.LastId;
        var ids = new Dictionary<int, int>();
        int New(int old) => ids[old] = ++next;

        var ect = source.EctPeriods.Select(p => p with { Id = New(p.Id), Email = null }).ToList();
        var mentor = source.MentorPeriods.Select(p => p with { Id = New(p.Id), Email = null }).ToList();
        var emails = source.EctPeriods.Where(p => p.Email is not null).Select(p => (ids[p.Id], p.Email!))
            .Concat(source.MentorPeriods.Where(p => p.Email is not null).Select(p => (ids[p.Id], p.Email!)))
            .ToDictionary(e => e.Item1, e => e.Item2);
        var training = source.TrainingPeriods.Select(p => p with { Id = New(p.Id), AtSchoolPeriodId = ids[p.AtSchoolPeriodId] }).ToList();
        var mentorships = source.Mentorships.Select(m => m with { Id = New(m.Id), EctPeriodId = ids[m.EctPeriodId] }).ToList();
        // The mentee numbers a mentorship, so only the mentor period it runs in is renumbered.
        var mentorings = source.Mentorings.Select(m => m with { MentorPeriodId = ids[m.MentorPeriodId] }).ToList();
        var inductions = source.InductionPeriods.Select(p => p with { Id = New(p.Id) }).ToList();
        var extensions = source.InductionExtensions.Select(x => x with { Id = New(x.Id) }).ToList();
        return new(into.Id, source.Id, ect, mentor, training, mentorships, mentorings, inductions, extensions,
            ids, emails.Count > 0 ? emails : null, on);
    }

    // The period rules (rect-domain §2.7–§2.11) must hold for the kept teacher once the history has moved.
    private static void EnsureFits(TeacherHistoryMerged moved, Teacher into)
    {
        foreach (var p in moved.EctPeriods)
            if (into.EctPeriods.FirstOrDefault(k => k.Dates.Overlaps(p.Dates)) is { } kept)
                throw Overlap("ect_periods_overlap", "ECT period", p.Dates, kept.Dates, "An ECT can only be at one school at a time");
        foreach (var p in moved.MentorPeriods)
            if (into.MentorPeriods.FirstOrDefault(k => k.SchoolId == p.SchoolId && k.Dates.Overlaps(p.Dates)) is { } kept)
                throw Overlap("mentor_periods_overlap", "mentor period", p.Dates, kept.Dates, "A mentor cannot be at the same school twice at once");
        foreach (var p in moved.TrainingPeriods)
            if (into.TrainingPeriods.FirstOrDefault(k => k.Role == p.Role && k.Dates.Overlaps(p.Dates)) is { } kept)
                throw Overlap("training_periods_overlap", p.Role == TeacherRole.Ect ? "ECT training" : "mentor training", p.Dates, kept.Dates,
                    "Training for the same role cannot overlap");
        foreach (var m in moved.Mentorships)
            if (into.Mentorships.FirstOrDefault(k => k.Dates.Overlaps(m.Dates)) is { } kept)
                throw Overlap("mentorships_overlap", "mentorship", m.Dates, kept.Dates, "An ECT can only have one mentor at a time");
        foreach (var p in moved.InductionPeriods)
            if (into.InductionPeriods.FirstOrDefault(k => k.Dates.Overlaps(p.Dates)) is { } kept)
                throw Overlap("induction_periods_overlap", "induction period", p.Dates, kept.Dates, "Induction periods cannot overlap");
        if (moved.InductionPeriods.Any(p => p.Outcome is not null) && into.InductionPeriods.Any(p => p.Outcome is not null))
            throw new RuleViolation("induction_outcome_twice",
                "Both records have an induction outcome. A teacher can only have one, so decide which is right before merging");
    }

    private static RuleViolation Overlap(string code, string what, DateRange duplicate, DateRange kept, string rule) =>
        new(code, $"The duplicate's {what} from {Dates.Govuk(duplicate.Start)} overlaps the kept teacher's {what} from {Dates.Govuk(kept.Start)}. "
            + $"{rule}, so correct the dates before merging");
}
