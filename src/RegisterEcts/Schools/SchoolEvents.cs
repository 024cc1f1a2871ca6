using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.Schools;

/// Independent: a GIAS independent school type, which may choose a national appropriate body (false in events recorded before it was kept).
public sealed record SchoolOpened(Guid SchoolId, int Urn, string Name, bool Eligible, DateOnly OpenedOn, bool Independent = false);

/// GIAS renamed the school, or its funding eligibility or independence changed.
public sealed record SchoolDetailsChanged(Guid SchoolId, string Name, bool Eligible, DateOnly ChangedOn, bool Independent = false);

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
