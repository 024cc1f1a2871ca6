using System.Collections.Immutable;
using RegisterEcts.EventStore;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.LeadProviders.Participants;

public sealed record ParticipantIdChange(Guid FromParticipantId, Guid ToParticipantId, DateTimeOffset ChangedAt);

/// <summary>
/// A teacher's fold plus the few facts the lead provider document shows that only the store knows: when
/// a role was first registered (created_at), when ids changed, and the dates of deferrals and withdrawals.
/// </summary>
public sealed record ParticipantHistory
{
    public static readonly ParticipantHistory Initial = new();

    public Teacher Teacher { get; init; } = Teacher.Initial;
    public ImmutableDictionary<TeacherRole, DateTimeOffset> FirstRegisteredAt { get; init; } = ImmutableDictionary<TeacherRole, DateTimeOffset>.Empty;
    public ImmutableList<ParticipantIdChange> IdChanges { get; init; } = [];
    public ImmutableDictionary<int, DateOnly> DeferredOn { get; init; } = ImmutableDictionary<int, DateOnly>.Empty;
    public ImmutableDictionary<int, DateOnly> WithdrawnOn { get; init; } = ImmutableDictionary<int, DateOnly>.Empty;
    public ImmutableDictionary<int, DateTimeOffset> TrainingCreatedAt { get; init; } = ImmutableDictionary<int, DateTimeOffset>.Empty;

    /// <summary>
    /// <see cref="ParticipantDocuments.TrainingRecordId"/> of this teacher, worked out once per teacher rather than on every document
    /// built: each is a SHA-256, a call into OpenSSL, and a rebuild builds a teacher's documents again for every append that
    /// touches them. Carried along by <c>with</c>; a reference, so a reader racing the first use sees one whole or none.
    /// </summary>
    public Guid TrainingRecordId(TeacherRole role)
    {
        if (_recordIds is not { } ids || ids.TeacherId != Teacher.Id)
            _recordIds = ids = new(Teacher.Id, ParticipantDocuments.TrainingRecordId(Teacher.Id, TeacherRole.Ect), ParticipantDocuments.TrainingRecordId(Teacher.Id, TeacherRole.Mentor));
        return role == TeacherRole.Ect ? ids.Ect : ids.Mentor;
    }

    private RecordIds? _recordIds;

    private sealed record RecordIds(Guid TeacherId, Guid Ect, Guid Mentor);

    // Equal when they say the same: the memo above is not part of what a history says (a record would compare it too).
    public bool Equals(ParticipantHistory? other) =>
        other is not null && Teacher == other.Teacher && FirstRegisteredAt == other.FirstRegisteredAt && IdChanges == other.IdChanges
        && DeferredOn == other.DeferredOn && WithdrawnOn == other.WithdrawnOn && TrainingCreatedAt == other.TrainingCreatedAt;

    public override int GetHashCode() => HashCode.Combine(Teacher, FirstRegisteredAt, IdChanges, DeferredOn, WithdrawnOn, TrainingCreatedAt);

    public static ParticipantHistory Evolve(ParticipantHistory h, RecordedEvent e)
    {
        h = h with { Teacher = Teacher.Evolve(h.Teacher, e.Data) };
        return e.Data switch
        {
            TeacherRegisteredAsEct => h.Registered(TeacherRole.Ect, e.RecordedAt),
            TeacherRegisteredAsMentor => h.Registered(TeacherRole.Mentor, e.RecordedAt),
            TeacherHistoryMerged m => h.Registered(TeacherRole.Ect, e.RecordedAt, when: m.EctPeriods.Count > 0)
                .Registered(TeacherRole.Mentor, e.RecordedAt, when: m.MentorPeriods.Count > 0),
            TeacherIdChanged c => h with { IdChanges = h.IdChanges.Add(new(c.FromTeacherId, c.TeacherId, e.RecordedAt)) },
            TrainingPeriodStarted t => h with { TrainingCreatedAt = h.TrainingCreatedAt.SetItem(t.TrainingPeriodId, e.RecordedAt) },
            TrainingPeriodDeferred d => h with { DeferredOn = h.DeferredOn.SetItem(d.TrainingPeriodId, d.DeferredOn) },
            TrainingPeriodWithdrawn w => h with { WithdrawnOn = h.WithdrawnOn.SetItem(w.TrainingPeriodId, w.WithdrawnOn) },
            _ => h,
        };
    }

    private ParticipantHistory Registered(TeacherRole role, DateTimeOffset at, bool when = true) =>
        !when || FirstRegisteredAt.ContainsKey(role) ? this : this with { FirstRegisteredAt = FirstRegisteredAt.SetItem(role, at) };
}
