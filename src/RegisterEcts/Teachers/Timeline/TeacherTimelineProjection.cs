using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Reference;
using RegisterEcts.Schools;

namespace RegisterEcts.Teachers.Timeline;

/// <summary>
/// teacher_timeline: one row per teacher event, in plain English, with who did it and why.
/// Names are those in force when the event was recorded and come from the projection's own copy
/// (teacher_timeline_names), never from other projections' tables, so a rebuild words every row as the
/// live append did. The history a teacher's event is worded against is folded from the teacher's stream: in memory
/// across a whole rebuild, from the stream read inside the append for a live one.
/// </summary>
public sealed class TeacherTimelineProjection : IProjection
{
    public string Name => "teacher_timeline";

    public IReadOnlyList<string> Tables => ["teacher_timeline", "teacher_timeline_names"];

    public async ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var session = context.Session<Lookups>();
        if (!context.IsRebuild) await session.FoldTeachersAsync(context, events, ct);
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case SchoolOpened o:
                    Remember(context, session, o.SchoolId, o.Name, o.Urn);
                    break;
                case SchoolDetailsChanged d:
                    Remember(context, session, d.SchoolId, d.Name, (await session.NameAsync(context, d.SchoolId, ct))?.Urn);
                    break;
                case SchoolUrnChanged u:
                    Remember(context, session, u.SchoolId, (await session.NameAsync(context, u.SchoolId, ct))?.Name ?? "Unknown school", u.ToUrn);
                    break;
                case LeadProviderRegistered r:
                    Remember(context, session, r.LeadProviderId, r.Name, null);
                    break;
                case DeliveryPartnerRegistered r:
                    Remember(context, session, r.DeliveryPartnerId, r.Name, null);
                    break;
                case AppropriateBodyRegistered r:
                    Remember(context, session, r.AppropriateBodyId, r.Name, null);
                    break;
                case ITeacherEvent:
                    await TeacherEventAsync(e, context, session, ct);
                    break;
            }
        }
    }

    private static void Remember(ProjectionContext context, Lookups session, Guid id, string name, int? urn)
    {
        session.SetName(id, new(name, urn));
        context.Enqueue(
            "INSERT INTO teacher_timeline_names (id, name, urn) VALUES ($1, $2, $3::integer) ON CONFLICT (id) DO UPDATE SET name = excluded.name, urn = excluded.urn",
            id, name, urn);
    }

    private static async Task TeacherEventAsync(RecordedEvent e, ProjectionContext context, Lookups session, CancellationToken ct)
    {
        var before = session.Teachers.GetValueOrDefault(e.StreamId) ?? Teacher.Initial;
        // A rebuild has met every name before the events that use it, so it words each event once, with nothing to load.
        var entry = context.IsRebuild ? TimelineText.Describe(e.Data, before, session.Known)! : await DescribeLiveAsync(e, before, context, session, ct);

        var erased = before.Erased || e.Data is TeacherPersonalDataErased;
        var actor = e.Metadata.Actor;
        if (context.IsRebuild)
        {
            // The same row as the INSERT below, by binary COPY: the timeline is one row per event, the bulk of a rebuild's writes.
            var actorName = await session.ActorNameAsync(context, actor, ct);
            context.Copy("teacher_timeline", TimelineColumns).Row()
                .Uuid(e.StreamId).Bigint(e.Sequence).Bigint(e.Version).Text(e.TypeName).Text(entry.Heading).Date(entry.HappenedOn).TimestampTz(e.RecordedAt)
                .Text(actor.Type).Text(actor.Id).Text(actorName)
                .Text(e.Data is EctStartDateCorrected or LeavingDateCorrected ? entry.Reason ?? e.Metadata.Reason : e.Metadata.Reason ?? entry.Reason)
                .Text(entry.SupportTicket ?? e.Metadata.SupportTicket)
                .TextArray(entry.Changes).TextArray(erased ? TimelineText.ErasedChanges : entry.PersonalChanges)
                .End();
        }
        else context.Enqueue(
            """
            INSERT INTO teacher_timeline (teacher_id, sequence, stream_version, event_type, heading, happened_on, recorded_at,
                                          actor_type, actor_id, actor_name, reason, support_ticket, changes, personal_changes)
            VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9::text, $10, $11::text, $12::text, $13, $14)
            """,
            e.StreamId, e.Sequence, e.Version, e.TypeName, entry.Heading, entry.HappenedOn, e.RecordedAt,
            actor.Type, actor.Id, await session.ActorNameAsync(context, actor, ct),
            // A correction states its own reason and ticket; for anything else the request's win over what the event implies.
            e.Data is EctStartDateCorrected or LeavingDateCorrected ? entry.Reason ?? e.Metadata.Reason : e.Metadata.Reason ?? entry.Reason,
            entry.SupportTicket ?? e.Metadata.SupportTicket,
            entry.Changes.ToArray(), (erased ? TimelineText.ErasedChanges : entry.PersonalChanges).ToArray());
        // Erasure reaches back: every earlier row of the teacher loses its personal values too.
        if (e.Data is TeacherPersonalDataErased)
            context.Enqueue("UPDATE teacher_timeline SET personal_changes = $2 WHERE teacher_id = $1", e.StreamId, TimelineText.ErasedChanges.ToArray());

        session.Teachers[e.StreamId] = Fold(before, e.Data);
    }

    /// <summary>A teacher's history with one more event. It keeps no personal data once the teacher is erased, as the store's events no longer do.</summary>
    private static Teacher Fold(Teacher before, object @event)
    {
        var after = Teacher.Evolve(before, @event);
        return before.Erased || @event is TeacherPersonalDataErased ? Scrubbed(after) : after;
    }

    /// <summary>Worded once to learn which names it needs, then again once they are loaded: the wording itself stays synchronous and pure.</summary>
    private static async Task<TimelineEntry> DescribeLiveAsync(RecordedEvent e, Teacher before, ProjectionContext context, Lookups session, CancellationToken ct)
    {
        var missing = new HashSet<Guid>();
        var entry = TimelineText.Describe(e.Data, before, id => session.Display(id, missing))!;
        if (missing.Count > 0 && await session.LoadNamesAsync(context.Connection, missing, ct))
            entry = TimelineText.Describe(e.Data, before, session.Known)!;
        return entry;
    }

    private static readonly (string, NpgsqlDbType)[] TimelineColumns =
    [
        ("teacher_id", NpgsqlDbType.Uuid), ("sequence", NpgsqlDbType.Bigint), ("stream_version", NpgsqlDbType.Bigint), ("event_type", NpgsqlDbType.Text),
        ("heading", NpgsqlDbType.Text), ("happened_on", NpgsqlDbType.Date), ("recorded_at", NpgsqlDbType.TimestampTz), ("actor_type", NpgsqlDbType.Text),
        ("actor_id", NpgsqlDbType.Text), ("actor_name", NpgsqlDbType.Text), ("reason", NpgsqlDbType.Text), ("support_ticket", NpgsqlDbType.Text),
        ("changes", NpgsqlDbType.Array | NpgsqlDbType.Text), ("personal_changes", NpgsqlDbType.Array | NpgsqlDbType.Text),
    ];

    private static Teacher Scrubbed(Teacher t) => t with
    {
        Name = PersonalData.Erased,
        EctPeriods = t.EctPeriods.Select(p => p with { Email = p.Email is null ? null : PersonalData.Erased }).ToImmutableList(),
        MentorPeriods = t.MentorPeriods.Select(p => p with { Email = p.Email is null ? null : PersonalData.Erased }).ToImmutableList(),
    };

    private sealed record NameRow(string Name, int? Urn)
    {
        // Worded once: the timeline asks for a school's name for every event that mentions the school.
        public string Display { get; } = Urn is { } urn ? $"{Name} (URN {urn})" : Name;
    }

    /// What the projection remembers: for a whole rebuild, or for one live append (filled from its own tables).
    private sealed class Lookups
    {
        public Lookups() => Known = id => Display(id, null);

        /// <summary>The names known now, for wording an event (made once: a delegate per event was a rebuild's allocation too).</summary>
        public Func<Guid, string?> Known { get; }

        public Dictionary<Guid, NameRow> Names { get; } = [];
        public Dictionary<Guid, Teacher> Teachers { get; } = [];
        private readonly Dictionary<int, Guid> _urns = [];
        private readonly HashSet<Guid> _looked = [];

        public void SetName(Guid id, NameRow row)
        {
            if (Names.TryGetValue(id, out var old) && old.Urn is { } oldUrn && _urns.GetValueOrDefault(oldUrn) == id) _urns.Remove(oldUrn);
            Names[id] = row;
            if (row.Urn is { } urn) _urns[urn] = id;
        }

        public string? Display(Guid id, HashSet<Guid>? missing)
        {
            if (Names.TryGetValue(id, out var row)) return row.Display;
            if (!_looked.Contains(id)) missing?.Add(id);
            return null;
        }

        public async ValueTask<NameRow?> NameAsync(ProjectionContext context, Guid id, CancellationToken ct)
        {
            if (!context.IsRebuild && !Names.ContainsKey(id)) await LoadNamesAsync(context.Connection, [id], ct);
            return Names.GetValueOrDefault(id);
        }

        /// True when any of them was found.
        public async Task<bool> LoadNamesAsync(NpgsqlConnection conn, IReadOnlyCollection<Guid> ids, CancellationToken ct)
        {
            var wanted = ids.Where(id => !Names.ContainsKey(id) && _looked.Add(id)).ToArray();
            if (wanted.Length == 0) return false;
            await using var cmd = new NpgsqlCommand("SELECT id, name, urn FROM teacher_timeline_names WHERE id = ANY($1)", conn);
            cmd.Parameters.Add(new() { Value = wanted });
            var found = false;
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                SetName(r.GetGuid(0), new(r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2)));
                found = true;
            }
            return found;
        }

        /// <summary>
        /// Live only: each of the batch's teachers as they were before it, folded from their streams as a rebuild folds them.
        /// The append's other projections read the same streams, and the context reads each once for all of them; storing
        /// this state per teacher instead (1.8 KB of JSON written on every teacher event) cost more on every append than the
        /// fold, and in a rebuild it was a tenth of what the server loaded.
        /// </summary>
        public async Task FoldTeachersAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
        {
            var firstInBatch = new Dictionary<Guid, long>();
            foreach (var e in events)
                if (e.Data is ITeacherEvent && !Teachers.ContainsKey(e.StreamId)) firstInBatch.TryAdd(e.StreamId, e.Version);
            if (firstInBatch.Count == 0) return;
            foreach (var e in await context.ReadStreamsAsync(firstInBatch.Keys, ct))
                if (e.Version < firstInBatch[e.StreamId] && e.Data is ITeacherEvent)
                    Teachers[e.StreamId] = Fold(Teachers.GetValueOrDefault(e.StreamId) ?? Teacher.Initial, e.Data);
        }

        /// Schools, appropriate bodies and lead providers by name rather than by token scope; anyone else as the event says.
        public async ValueTask<string> ActorNameAsync(ProjectionContext context, Actor actor, CancellationToken ct)
        {
            var name = actor.Type switch
            {
                "school" when int.TryParse(actor.Id, out var urn) => await SchoolByUrnAsync(context, urn, ct),
                "appropriate_body" or "lead_provider" when Guid.TryParse(actor.Id, out var id) => (await NameAsync(context, id, ct))?.Name,
                _ => null,
            };
            return name ?? actor.DisplayName;
        }

        private async ValueTask<string?> SchoolByUrnAsync(ProjectionContext context, int urn, CancellationToken ct)
        {
            if (_urns.TryGetValue(urn, out var known)) return Names[known].Display;
            if (context.IsRebuild) return null;
            await using var cmd = new NpgsqlCommand("SELECT id, name FROM teacher_timeline_names WHERE urn = $1", context.Connection);
            cmd.Parameters.Add(new() { Value = urn });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            var row = new NameRow(r.GetString(1), urn);
            SetName(r.GetGuid(0), row);
            return row.Display;
        }
    }
}
