using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using RegisterEcts.EventStore.Serialization;

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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SupportTicket)
{
    /// <summary>Reads metadata as the store writes it (see <see cref="EventTypeRegistry.JsonOptions"/>).</summary>
    /// <remarks>
    /// The timeline reads the metadata of every event it replays, and the general serialiser (a parameterised constructor, a
    /// nested record, a stack of frames per call) cost as much as the event itself. The shape the store writes is read here
    /// directly; anything else (another order is fine, but an unknown property, another spelling or a number where a string
    /// belongs) goes to the serialiser, so both read every document alike.
    /// </remarks>
    public static EventMetadata FromJson(ReadOnlySpan<byte> utf8) =>
        TryRead(utf8) ?? JsonSerializer.Deserialize<EventMetadata>(utf8, EventTypeRegistry.JsonOptions) ?? throw new JsonException("Event metadata is null.");

    private static EventMetadata? TryRead(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            Actor? actor = null;
            string? correlation = null, causation = null, reason = null, ticket = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("actor"u8))
                {
                    if (!reader.Read() || (actor = ReadActor(ref reader)) is null) return null;
                }
                else if (reader.ValueTextEquals("correlation_id"u8)) { if (!String(ref reader, out correlation) || correlation is null) return null; }
                else if (reader.ValueTextEquals("causation_id"u8)) { if (!String(ref reader, out causation)) return null; }
                else if (reader.ValueTextEquals("reason"u8)) { if (!String(ref reader, out reason)) return null; }
                else if (reader.ValueTextEquals("support_ticket"u8)) { if (!String(ref reader, out ticket)) return null; }
                else return null;
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || actor is null || correlation is null) return null;
            return new EventMetadata(actor, correlation, causation, reason, ticket);
        }
        catch (JsonException)
        {
            // Not well-formed: the serialiser reports it in its own words.
            return null;
        }
    }

    private static Actor? ReadActor(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        string? type = null, id = null, name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8)) { if (!String(ref reader, out type)) return null; }
            else if (reader.ValueTextEquals("id"u8)) { if (!String(ref reader, out id)) return null; }
            else if (reader.ValueTextEquals("display_name"u8)) { if (!String(ref reader, out name)) return null; }
            else return null;
        }
        return reader.TokenType == JsonTokenType.EndObject && type is not null && id is not null && name is not null ? new Actor(type, id, name) : null;
    }

    /// <summary>The next value when it is a string or null; false for anything else.</summary>
    private static bool String(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        value = reader.GetString();
        return true;
    }
}
