using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Support.History;

public sealed record SchoolRef(Guid SchoolId, int? Urn, string? Name);

/// <param name="AtSchool">joining (starts after the date), active, leaving (a last day is set), left, or none.</param>
/// <param name="TrainingStatus">active, deferred, withdrawn, finished, not_started, or null with no training at all.</param>
public sealed record RoleState(string AtSchool, SchoolRef? School, string? TrainingStatus, Guid? LeadProviderId);

public sealed record PeriodState(
    int Id, SchoolRef School, DateOnly StartedOn, DateOnly? FinishedOn, string Status, string? Email, WorkingPattern? WorkingPattern);

public sealed record TrainingState(
    int Id, TeacherRole Role, SchoolRef School, DateOnly StartedOn, DateOnly? FinishedOn, TrainingProgramme TrainingProgramme,
    Guid? LeadProviderId, string? LeadProviderName, int? ContractPeriodYear, string? Schedule, bool Confirmed, string Status);

public sealed record InductionState(int Id, Guid AppropriateBodyId, string? AppropriateBodyName, DateOnly StartedOn, DateOnly? FinishedOn, decimal? NumberOfTerms, InductionOutcome? Outcome, string Status);

/// <param name="ApiUpdatedAt">When this provider's view last changed: what its api_updated_at said.</param>
/// <param name="Source">lead_provider_api: the document the lead provider API serves now; replay: rebuilt from the events known at the time asked about.</param>
public sealed record LeadProviderView(Guid LeadProviderId, string LeadProviderName, DateTimeOffset? ApiUpdatedAt, JsonObject Document, string Source = "replay");

/// <summary>A teacher as our records stood at <c>KnownAt</c>, evaluated on <c>AsOf</c>.</summary>
public sealed record TeacherStateResponse(
    Guid TeacherId,
    DateOnly AsOf,
    DateTimeOffset KnownAt,
    bool Registered,
    long EventsKnown,
    DateTimeOffset? LastRecordedAt,
    string? Trn,
    string? Name,
    bool Erased,
    Guid? MergedInto,
    RoleState Ect,
    RoleState Mentor,
    string InductionStatus,
    IReadOnlyList<PeriodState> EctAtSchoolPeriods,
    IReadOnlyList<PeriodState> MentorAtSchoolPeriods,
    IReadOnlyList<TrainingState> TrainingPeriods,
    IReadOnlyList<InductionState> InductionPeriods,
    IReadOnlyList<LeadProviderView> LeadProviders);

/// <summary>Replays a teacher's stream: the record as known at a time, and what it says on a date.</summary>
public static class TeacherState
{
    public static Teacher Fold(IEnumerable<RecordedEvent> events) => events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data));

    public static async Task<IReadOnlyDictionary<Guid, SchoolRef>> SchoolsAsync(NpgsqlDataSource db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToArray();
        var found = new Dictionary<Guid, SchoolRef>();
        if (wanted.Length == 0) return found;
        await using var cmd = db.CreateCommand("SELECT school_id, urn, name FROM schools WHERE school_id = ANY($1)");
        cmd.Parameters.Add(new() { Value = wanted });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found[r.GetGuid(0)] = new SchoolRef(r.GetGuid(0), r.GetInt32(1), r.GetString(2));
        return found;
    }

    /// <summary>The documents the lead provider API serves now, with their api_updated_at.</summary>
    public static async Task<IReadOnlyList<LeadProviderView>> ServedViewsAsync(NpgsqlDataSource db, Guid teacherId, ReferenceData reference, CancellationToken ct)
    {
        var views = new List<LeadProviderView>();
        await using var cmd = db.CreateCommand(
            "SELECT lead_provider_id, document::text, api_updated_at FROM lead_provider_participants WHERE teacher_id = $1");
        cmd.Parameters.Add(new() { Value = teacherId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            views.Add(new LeadProviderView(r.GetGuid(0), reference.LeadProviderName(r.GetGuid(0)), r.GetFieldValue<DateTimeOffset>(2),
                JsonNode.Parse(r.GetString(1))!.AsObject(), "lead_provider_api"));
        return views.OrderBy(v => v.LeadProviderName, StringComparer.Ordinal).ToList();
    }

    public static IEnumerable<Guid> SchoolIds(Teacher t) =>
        t.EctPeriods.Select(p => p.SchoolId).Concat(t.MentorPeriods.Select(p => p.SchoolId)).Concat(t.TrainingPeriods.Select(p => p.SchoolId));

    /// <param name="known">The events recorded up to the time asked about, in stream order.</param>
    public static TeacherStateResponse Build(
        Guid teacherId, IReadOnlyList<RecordedEvent> known, DateOnly asOf, DateTimeOffset knownAt,
        ReferenceData reference, IReadOnlyDictionary<Guid, SchoolRef> schools, IReadOnlyList<LeadProviderView> leadProviders)
    {
        SchoolRef School(Guid id) => schools.GetValueOrDefault(id) ?? new SchoolRef(id, null, null);

        var t = Fold(known);
        var ect = t.EctPeriods.OrderBy(p => p.Dates.Start).Select(p => new PeriodState(
            p.Id, School(p.SchoolId), p.Dates.Start, p.Dates.End, PeriodStatus(p.Dates, asOf), p.Email, p.WorkingPattern)).ToList();
        var mentor = t.MentorPeriods.OrderBy(p => p.Dates.Start).Select(p => new PeriodState(
            p.Id, School(p.SchoolId), p.Dates.Start, p.Dates.End, PeriodStatus(p.Dates, asOf), p.Email, null)).ToList();
        var training = t.TrainingPeriods.OrderBy(p => p.Dates.Start).ThenBy(p => p.Id).Select(p => new TrainingState(
            p.Id, p.Role, School(p.SchoolId), p.Dates.Start, p.Dates.End, p.Programme, p.ProviderLed?.LeadProviderId,
            p.ProviderLed is { } led ? reference.LeadProviderName(led.LeadProviderId) : null, p.ProviderLed?.ContractPeriodYear,
            p.ProviderLed?.ScheduleIdentifier, p.IsConfirmed, TrainingStatusOn(p, asOf))).ToList();
        var inductions = t.InductionPeriods.OrderBy(p => p.Dates.Start).Select(p => new InductionState(
            p.Id, p.AppropriateBodyId, reference.FindAppropriateBody(p.AppropriateBodyId)?.Name, p.Dates.Start, p.Dates.End, p.NumberOfTerms, p.Outcome,
            p.Outcome is { } o && p.Dates.End <= asOf ? (o == InductionOutcome.Pass ? "passed" : "failed") : PeriodStatus(p.Dates, asOf))).ToList();

        return new TeacherStateResponse(
            teacherId, asOf, knownAt, t.Exists, known.Count, known.Count == 0 ? null : known[^1].RecordedAt,
            t.Exists ? t.Trn : null, t.Exists ? t.Name : null, t.Erased, t.MergedInto,
            RoleOn(ect, training.Where(p => p.Role == TeacherRole.Ect).ToList(), asOf),
            RoleOn(mentor, training.Where(p => p.Role == TeacherRole.Mentor).ToList(), asOf),
            InductionStatusOn(t.InductionPeriods, asOf),
            ect, mentor, training, inductions,
            leadProviders);
    }

    /// joining: not started yet; active: open; leaving: a last day is set and not passed; left: finished before the date.
    public static string PeriodStatus(DateRange dates, DateOnly asOf) =>
        dates.Start > asOf ? "joining"
        : dates.End is null ? "active"
        : dates.End >= asOf ? "leaving"
        : "left";

    private static RoleState RoleOn(IReadOnlyList<PeriodState> periods, IReadOnlyList<TrainingState> training, DateOnly asOf)
    {
        // The period that matters on a date: the one running, else the next to start, else the last one left.
        var period = periods.Where(p => p.Status is "active" or "leaving").MaxBy(p => p.StartedOn)
            ?? periods.Where(p => p.Status == "joining").MinBy(p => p.StartedOn)
            ?? periods.MaxBy(p => p.StartedOn);
        var current = training.Where(p => p.StartedOn <= asOf).MaxBy(p => p.StartedOn)
            ?? training.MinBy(p => p.StartedOn);
        return new RoleState(period?.Status ?? "none", period?.School, current?.Status, current?.LeadProviderId);
    }

    private static string TrainingStatusOn(TrainingPeriod p, DateOnly asOf) =>
        p.Dates.Start > asOf ? "not_started"
        : p.Status != TrainingStatus.Active ? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Status.ToString())
        : p.Dates.End is { } end && end < asOf ? "finished"
        : "active";

    /// An outcome counts only from the day the induction finished; before that the teacher was still in induction.
    public static string InductionStatusOn(IEnumerable<InductionPeriod> periods, DateOnly asOf)
    {
        var started = periods.Where(p => p.Dates.Start <= asOf).ToList();
        if (started.FirstOrDefault(p => p.Outcome is not null && p.Dates.End <= asOf) is { } done)
            return done.Outcome == InductionOutcome.Pass ? "passed" : "failed";
        if (started.Any(p => p.Dates.Contains(asOf))) return "in_progress";
        return started.Count > 0 ? "paused" : "none";
    }
}
