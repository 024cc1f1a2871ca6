using System.Diagnostics;
using System.Text.Json.Serialization;

namespace RegisterEcts.EventStore;

/// <summary>Who caused a change: a person or a system acting in a role.</summary>
/// <param name="Type">The role, e.g. <c>school</c>, <c>lead_provider</c>, <c>support</c>, <c>system</c>.</param>
/// <param name="Id">The role's identifier (a URN, a lead provider id, a user id).</param>
/// <param name="DisplayName">What a person reading the timeline should see.</param>
public sealed record Actor(string Type, string Id, string DisplayName)
{
    public static Actor System(string name) => new("system", name, name);
}

/// <summary>The metadata stored with every event of one append.</summary>
/// <param name="CorrelationId">Defaults to the current Activity's trace id, so events join their request's trace.</param>
/// <param name="CausationId">What caused this append: a request id, an idempotency key, an earlier event id.</param>
public sealed record EventContext(
    Actor Actor,
    string? CausationId = null,
    string? Reason = null,
    string? SupportTicket = null,
    string? CorrelationId = null)
{
    internal string EffectiveCorrelationId =>
        CorrelationId ?? Activity.Current?.TraceId.ToHexString() ?? Guid.CreateVersion7().ToString("N");
}

/// <summary>Metadata as stored and read back.</summary>
/// <remarks>Absent values are left out of the stored JSON rather than written as null: every event carries this, and
/// most have no causation, reason or ticket, so that is a third less to store, parse on append and send on read.</remarks>
public sealed record EventMetadata(
    Actor Actor,
    string CorrelationId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CausationId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SupportTicket);
