using System.Globalization;
using System.Text.RegularExpressions;
using RegisterEcts.Api.Http;
using RegisterEcts.Api.Reference;
using RegisterEcts.EventStore;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Support.History;

public sealed record RecordedChange(long StreamVersion, string EventType, DateTimeOffset RecordedAt, string ActorName, string? Reason, string? SupportTicket);

/// <summary>What our records about a teacher said at <c>From</c> and at <c>To</c> (recorded times), field by field.</summary>
public sealed record ChangesResponse(Guid TeacherId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<FieldChange> Changes, IReadOnlyList<RecordedChange> RecordedBetween);

/// <summary>The questions support asks of one teacher's history; the API and the console pages both ask through here.</summary>
public sealed partial class TeacherHistory(PostgresEventStore store, ReferenceCache references, TimeProvider time)
{
    public PostgresEventStore Store => store;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The whole stream, or 404 when there is no such teacher.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> StreamAsync(Guid teacherId, DateTimeOffset? recordedUpTo, CancellationToken ct)
    {
        if (await store.StreamVersionAsync(teacherId, ct) == 0) throw NotFound(teacherId);
        var slice = await store.ReadStreamAsync(teacherId, recordedUpTo: recordedUpTo, ct: ct);
        if (slice.Events.Count > 0 && slice.Events[0].StreamType != Teacher.StreamType) throw NotFound(teacherId);
        return slice.Events;
    }

    public async Task<TeacherStateResponse> StateAsync(Guid teacherId, DateOnly asOf, DateTimeOffset? knownAt, CancellationToken ct)
    {
        // Only what had been recorded by then: a fact reported later changes the past without changing what we knew.
        var known = await StreamAsync(teacherId, knownAt, ct);
        var folded = TeacherState.Fold(known);
        var schools = await TeacherState.SchoolsAsync(store.DataSource, TeacherState.SchoolIds(folded), ct);
        var reference = await references.GetAsync(ct);
        // Asked about now, show what the lead providers are actually served; a replay is all there is for the past.
        var views = knownAt is null
            ? await TeacherState.ServedViewsAsync(store.DataSource, teacherId, reference, ct)
            : await LeadProviderViews.ReplayAsync(store.DataSource, teacherId, known, asOf, reference, ct);
        return TeacherState.Build(teacherId, known, asOf, knownAt ?? Now, reference, schools, views);
    }

    public async Task<IReadOnlyList<TimelineRow>> TimelineAsync(Guid teacherId, CancellationToken ct)
    {
        // The stream decides whether the teacher exists: a teacher always has timeline rows, but a 404 must not depend on a projection.
        if (await store.StreamVersionAsync(teacherId, ct) == 0) throw NotFound(teacherId);
        return await TeacherTimeline.ReadAsync(store.DataSource, teacherId, ct);
    }

    public async Task<ChangesResponse> ChangesAsync(Guid teacherId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var stream = await StreamAsync(teacherId, null, ct);
        TeacherRecord? At(DateTimeOffset t)
        {
            var known = stream.Where(e => e.RecordedAt <= t).ToList();
            return known.Count == 0 ? null : TeacherRecord.From(teacherId, TeacherState.Fold(known));
        }
        var between = stream.Where(e => e.RecordedAt > from && e.RecordedAt <= to)
            .Select(e => new RecordedChange(e.Version, e.TypeName, e.RecordedAt, e.Metadata.Actor.DisplayName, e.Metadata.Reason, e.Metadata.SupportTicket))
            .ToList();
        return new ChangesResponse(teacherId, from, to, FieldDiff.Between(At(from), At(to)), between);
    }

    private static HttpProblem NotFound(Guid teacherId) => HttpProblem.NotFound($"There is no teacher {teacherId}", "teacher_not_found");

    // Query values arrive as text so a bad one is named in a 400 problem, not lost in a generic binding failure.

    public static DateOnly? ParseDate(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors[field] = [$"{field} must be a date like 2025-09-01"];
        return null;
    }

    public static DateTimeOffset? ParseInstant(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        if (IsoTimestamp().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            return instant;
        errors[field] = [$"{field} must be an ISO 8601 timestamp like 2025-09-01T12:00:00Z"];
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")]
    private static partial Regex IsoTimestamp();
}
