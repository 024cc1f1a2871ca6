using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.Schools;

public sealed record SchoolOpened(Guid SchoolId, int Urn, string Name, bool Eligible, DateOnly OpenedOn);

/// GIAS renamed the school or its funding eligibility changed.
public sealed record SchoolDetailsChanged(Guid SchoolId, string Name, bool Eligible, DateOnly ChangedOn);

/// Academisation: the school keeps its identity (and its periods and partnerships) under a new URN.
public sealed record SchoolUrnChanged(Guid SchoolId, int FromUrn, int ToUrn, DateOnly ChangedOn);

public sealed record SchoolMerged(Guid SchoolId, Guid IntoSchoolId, int IntoUrn, DateOnly MergedOn);

public sealed record SchoolClosed(Guid SchoolId, DateOnly ClosedOn);

public static class SchoolEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry
        .Map<SchoolOpened>("school_opened")
        .Map<SchoolDetailsChanged>("school_details_changed")
        .Map<SchoolUrnChanged>("school_urn_changed")
        .Map<SchoolMerged>("school_merged")
        .Map<SchoolClosed>("school_closed");
}
