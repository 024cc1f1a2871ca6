using Npgsql;
using NpgsqlTypes;
using RegisterEcts.Calendar;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Partnerships;
using RegisterEcts.Schools;
using RegisterEcts.Teachers;

namespace RegisterEcts.LeadProviders.Participants;

/// <summary>
/// lead_provider_participants: each provider's v3 participant document, recomputed from the teacher's whole
/// history whenever the teacher, a partnership or school it shows, or the calendar changes. The database
/// keeps api_updated_at unless the hash differs, so a change that only matters to provider A, a no-op, or a
/// field the document does not show moves nothing.
/// </summary>
public sealed class LeadProviderParticipantsProjection : IProjection
{
    public string Name => "lead_provider_participants";

    public IReadOnlyList<string> Tables =>
        ["lead_provider_participants", "lead_provider_transfers", "lead_provider_unfunded_mentors", "lead_provider_mentor_links", "lead_provider_names", "calendar_days"];

    public async ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var session = context.Session<Session>();
        if (!context.IsRebuild) await session.PrepareAsync(events, context, ct);

        var pending = new HashSet<Guid>();
        var forced = new HashSet<Guid>();
        DateTimeOffset at = default;
        foreach (var e in events)
        {
            // Documents are compared once per append (all its events share recorded_at), as a live append would.
            if (pending.Count > 0 && e.RecordedAt != at) session.Flush(pending, forced, at, context);
            at = e.RecordedAt;
            switch (e.Data)
            {
                case SchoolPartnershipCreated c:
                    session.Partnerships[c.PartnershipId] = new(c.PartnershipId, c.SchoolId, c.LeadProviderId, c.DeliveryPartnerId, c.ContractPeriodYear);
                    break;
                case SchoolPartnershipRecreated r:
                    session.Partnerships[r.PartnershipId] = new(r.PartnershipId, r.SchoolId, r.LeadProviderId, r.DeliveryPartnerId, r.ContractPeriodYear);
                    break;
                case SchoolPartnershipDeliveryPartnerChanged d:
                    if (session.Partnerships.TryGetValue(d.PartnershipId, out var p))
                        session.Partnerships[d.PartnershipId] = p with { DeliveryPartnerId = d.ToDeliveryPartnerId };
                    pending.UnionWith(session.Affected(e, context.IsRebuild));
                    break;
                case RegisterEcts.Reference.LeadProviderRegistered r:
                    session.LeadProviderNames[r.LeadProviderId] = r.Name;
                    context.Enqueue("INSERT INTO lead_provider_names (lead_provider_id, name) VALUES ($1, $2) ON CONFLICT (lead_provider_id) DO UPDATE SET name = excluded.name",
                        r.LeadProviderId, r.Name);
                    break;
                case SchoolOpened o:
                    session.Urns[o.SchoolId] = o.Urn;
                    break;
                case SchoolUrnChanged u:
                    session.Urns[u.SchoolId] = u.ToUrn;
                    pending.UnionWith(session.Affected(e, context.IsRebuild));
                    break;
                case DayStarted d:
                    if (session.Today is null || d.Date > session.Today) session.Today = d.Date;
                    context.Enqueue("INSERT INTO calendar_days (day, started_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING", d.Date, e.RecordedAt);
                    pending.UnionWith(session.Affected(e, context.IsRebuild));
                    break;
                case ITeacherEvent when e.StreamType == Teacher.StreamType:
                    session.Histories[e.StreamId] = ParticipantHistory.Evolve(session.History(e.StreamId), e);
                    pending.Add(e.StreamId);
                    // Providers must re-sync an erased teacher whatever they held. It also keeps a rebuild
                    // (which reads the earlier names as erased too) agreeing with the live rows.
                    if (e.Data is TeacherPersonalDataErased) forced.Add(e.StreamId);
                    break;
            }
        }
        if (pending.Count > 0) session.Flush(pending, forced, at, context);
    }

    /// <summary>A document's UTF-8 JSON as a statement's parameter (the closing copies send the bytes as they are).</summary>
    internal static NpgsqlParameter Jsonb(byte[] json) => new() { Value = System.Text.Encoding.UTF8.GetString(json), NpgsqlDbType = NpgsqlDbType.Jsonb };

    /// <summary>
    /// A rebuild keeps every document in memory anyway (to compare each with the one before), so it writes them once, here, rather
    /// than after every page: into empty tables, which then build their indexes after the rows (see CopyRows), and at the end,
    /// beside the teacher periods' closing copy, where a core was idle, instead of during the pages, where both were busy.
    /// </summary>
    public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
    {
        context.Session<Session>().WriteRebuilt(context);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// What the projection knows between events. In a rebuild it lives for the whole replay: every history,
    /// lookup and row is in memory and nothing is read back. For an inline append it is filled from the
    /// database for just the streams the append touches.
    /// </summary>
    public sealed class Session : IParticipantLookups
    {
        public Dictionary<Guid, PartnershipInfo> Partnerships { get; } = [];
        public Dictionary<Guid, int> Urns { get; } = [];
        public Dictionary<Guid, string> LeadProviderNames { get; } = [];
        public Dictionary<Guid, ParticipantHistory> Histories { get; } = [];
        public DateOnly? Today { get; set; }

        // Inline only: teachers an event from another stream reaches, found before the batch is applied.
        private readonly Dictionary<Guid, Guid[]> _affected = [];

        // Rebuild only: the rows as written so far, and the indexes the database would otherwise answer.
        private readonly Dictionary<(Guid Provider, Guid Teacher), Row> _rows = [];
        private readonly Dictionary<Guid, HashSet<(Guid Provider, Guid Teacher)>> _rowsByTeacher = [];
        private readonly Dictionary<Guid, HashSet<Guid>> _byPartnership = [];
        internal readonly Dictionary<Guid, HashSet<Guid>> _bySchool = [];
        internal readonly SortedDictionary<DateOnly, HashSet<Guid>> _byNextChange = [];
        private readonly HashSet<(Guid Provider, Guid Teacher)> _dirty = [];
        // Rebuild only: the rows and mentees' links already in the table (blue/green: from an earlier pass), to be replaced, not copied.
        private readonly HashSet<(Guid Provider, Guid Teacher)> _inTable = [];
        private readonly HashSet<Guid> _linksWritten = [];
        private readonly DocumentRows _transfers = new("lead_provider_transfers");
        private readonly DocumentRows _unfunded = new("lead_provider_unfunded_mentors");

        // Who mentors which provider's ECTs; in a rebuild all of them, inline those the batch can touch.
        private readonly Dictionary<(Guid Provider, Guid Mentee), MentorLink> _links = [];
        private readonly Dictionary<Guid, HashSet<(Guid Provider, Guid Mentee)>> _linksByMentor = [];
        private readonly Dictionary<Guid, HashSet<(Guid Provider, Guid Mentee)>> _linksByMentee = [];
        private readonly HashSet<Guid> _dirtyMentees = [];

        private sealed record Row(ParticipantView View, DateTimeOffset UpdatedAt, DateTimeOffset CreatedAt);

        public PartnershipInfo? Partnership(Guid partnershipId) => Partnerships.GetValueOrDefault(partnershipId);

        public int? SchoolUrn(Guid schoolId) => Urns.TryGetValue(schoolId, out var urn) ? urn : null;

        public string? LeadProviderName(Guid leadProviderId) => LeadProviderNames.GetValueOrDefault(leadProviderId);

        internal ParticipantHistory History(Guid teacherId) => Histories.GetValueOrDefault(teacherId) ?? ParticipantHistory.Initial;

        internal IEnumerable<Guid> Affected(RecordedEvent e, bool rebuild)
        {
            if (!rebuild) return _affected.GetValueOrDefault(e.Id) ?? [];
            switch (e.Data)
            {
                case SchoolPartnershipDeliveryPartnerChanged d:
                    return _byPartnership.GetValueOrDefault(d.PartnershipId)?.ToList() ?? [];
                case SchoolUrnChanged u:
                    return _bySchool.GetValueOrDefault(u.SchoolId)?.ToList() ?? [];
                case DayStarted day:
                    var due = _byNextChange.TakeWhile(kv => kv.Key <= day.Date).ToList();
                    foreach (var kv in due) _byNextChange.Remove(kv.Key);
                    return due.SelectMany(kv => kv.Value).Distinct().ToList();
                default:
                    return [];
            }
        }

        /// <summary>Loads what an inline append needs: the touched histories up to this batch, today, lookups, and who cross-stream events reach.</summary>
        internal async Task PrepareAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
        {
            var conn = context.Connection;
            var firstVersion = new Dictionary<Guid, long>();
            foreach (var e in events)
                if (e.StreamType == Teacher.StreamType && !firstVersion.ContainsKey(e.StreamId)) firstVersion[e.StreamId] = e.Version;

            // Today and the providers' names (a dozen rows) in one round trip.
            await using (var batch = new NpgsqlBatch(conn) { BatchCommands = { new("SELECT max(day) FROM calendar_days"), new("SELECT lead_provider_id, name FROM lead_provider_names") } })
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct) && !reader.IsDBNull(0)) Today = reader.GetFieldValue<DateOnly>(0);
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct)) LeadProviderNames[reader.GetGuid(0)] = reader.GetString(1);
            }

            var reached = new HashSet<Guid>();
            foreach (var e in events)
            {
                var (sql, value) = e.Data switch
                {
                    SchoolPartnershipDeliveryPartnerChanged d => ("SELECT DISTINCT teacher_id FROM lead_provider_participants WHERE partnership_ids @> ARRAY[$1::uuid]", (object)d.PartnershipId),
                    SchoolUrnChanged u => ("""
                        SELECT teacher_id FROM lead_provider_participants WHERE school_ids @> ARRAY[$1::uuid]
                        UNION SELECT teacher_id FROM lead_provider_transfers WHERE school_ids @> ARRAY[$1::uuid]
                        """, u.SchoolId),
                    DayStarted d => ("""
                        SELECT teacher_id FROM lead_provider_participants WHERE next_change_on <= $1
                        UNION SELECT teacher_id FROM lead_provider_transfers WHERE next_change_on <= $1
                        """, d.Date),
                    _ => (null, null!),
                };
                if (sql is null) continue;
                var ids = new List<Guid>();
                await using (var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = value } } })
                await using (var reader = await cmd.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
                _affected[e.Id] = [.. ids];
                reached.UnionWith(ids);
            }

            var streams = reached.Union(firstVersion.Keys).ToList();
            var all = await context.ReadStreamsAsync(streams, ct);
            foreach (var e in all)
            {
                if (firstVersion.TryGetValue(e.StreamId, out var first) && e.Version >= first) continue;
                Histories[e.StreamId] = ParticipantHistory.Evolve(History(e.StreamId), e);
            }

            // Mentor links, in one read: the batch's teachers' own (as mentee), and every link of every mentor they name
            // or named, so a mentor's unfunded documents are recomputed from all their links; then those mentors' histories.
            var mentors = new HashSet<Guid>(streams);
            foreach (var h in Histories.Values) mentors.UnionWith(h.Teacher.Mentorships.Select(m => m.MentorId));
            foreach (var e in events)
                if (e.Data is MentorshipStarted m) mentors.Add(m.MentorId);
            var menteeIds = streams.ToArray();
            foreach (var link in await ReadLinksAsync(conn, [.. mentors], menteeIds, ct))
            {
                AddLink(link);
                if (menteeIds.Contains(link.MenteeId)) mentors.Add(link.MentorId);
            }
            var unread = mentors.Where(id => !Histories.ContainsKey(id)).ToList();
            foreach (var e in await context.ReadStreamsAsync(unread, ct))
                Histories[e.StreamId] = ParticipantHistory.Evolve(History(e.StreamId), e);

            // Lookups for every partnership and school these histories can show, including ones this batch adds.
            var partnershipIds = new HashSet<Guid>();
            var schoolIds = new HashSet<Guid>();
            foreach (var e in all)
                if (e.Data is TrainingPeriodStarted { ProviderLed.PartnershipId: { } id }) partnershipIds.Add(id);
            foreach (var e in events)
                switch (e.Data)
                {
                    case TrainingPeriodStarted { ProviderLed.PartnershipId: { } id }: partnershipIds.Add(id); break;
                    case TrainingPeriodPartnershipRecreated r: partnershipIds.Add(r.ToPartnershipId); break;
                    // The histories above stop before this batch: schools it adds to them count too (transfers show their URNs).
                    case TeacherRegisteredAsEct r: schoolIds.Add(r.SchoolId); break;
                    case TeacherRegisteredAsMentor r: schoolIds.Add(r.SchoolId); break;
                    case EctAtSchoolPeriodMovedSchool r: schoolIds.Add(r.ToSchoolId); break;
                    case MentorAtSchoolPeriodMovedSchool r: schoolIds.Add(r.ToSchoolId); break;
                    case TeacherHistoryMerged m: partnershipIds.UnionWith(m.TrainingPeriods.Select(t => t.ProviderLed?.PartnershipId).OfType<Guid>()); break;
                }
            foreach (var h in Histories.Values)
            {
                partnershipIds.UnionWith(h.Teacher.TrainingPeriods.Select(t => t.ProviderLed?.PartnershipId).OfType<Guid>());
                schoolIds.UnionWith(h.Teacher.TrainingPeriods.Select(t => t.SchoolId));
                // Transfers name the schools of the at-school periods, which need not have provider-led training.
                schoolIds.UnionWith(h.Teacher.EctPeriods.Select(p => p.SchoolId));
                schoolIds.UnionWith(h.Teacher.MentorPeriods.Select(p => p.SchoolId));
            }
            if (partnershipIds.Count > 0)
            {
                await using var cmd = new NpgsqlCommand(
                    "SELECT partnership_id, school_id, lead_provider_id, delivery_partner_id, contract_period_year FROM partnerships WHERE partnership_id = ANY($1)", conn)
                { Parameters = { new() { Value = partnershipIds.ToArray() } } };
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var info = new PartnershipInfo(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetInt32(4));
                    Partnerships[info.PartnershipId] = info;
                    schoolIds.Add(info.SchoolId);
                }
            }
            if (schoolIds.Count > 0)
            {
                await using var cmd = new NpgsqlCommand("SELECT school_id, urn FROM schools WHERE school_id = ANY($1)", conn)
                { Parameters = { new() { Value = schoolIds.ToArray() } } };
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) Urns[reader.GetGuid(0)] = reader.GetInt32(1);
            }
        }

        /// <summary>Recomputes the documents of the pending teachers as of this append, and clears the set.</summary>
        internal void Flush(HashSet<Guid> pending, HashSet<Guid> forced, DateTimeOffset at, ProjectionContext context)
        {
            var recordedOn = BusinessCalendar.DateInEngland(at);
            var asOf = Today is { } today && today > recordedOn ? today : recordedOn;
            foreach (var teacherId in pending)
            {
                var history = History(teacherId);
                var views = ParticipantDocuments.Build(history, asOf, this);
                var createdAt = history.FirstRegisteredAt.Values.DefaultIfEmpty().Min();
                var force = forced.Contains(teacherId);
                var transfers = ParticipantTransfers.Build(history, asOf, this);
                if (context.IsRebuild)
                {
                    Track(teacherId, views, at, createdAt, force);
                    _transfers.Track(teacherId, transfers, at, createdAt, force, this);
                }
                else
                {
                    Write(context, teacherId, views, at, createdAt, force);
                    _transfers.Write(context, teacherId, transfers, at, createdAt, force);
                }
                var mentorsToRecompute = UpdateLinks(teacherId, views, context);
                if (_linksByMentor.ContainsKey(teacherId)) mentorsToRecompute.Add(teacherId);
                foreach (var mentorId in mentorsToRecompute)
                    RecomputeUnfunded(mentorId, at, forced.Contains(mentorId), context);
            }
            pending.Clear();
            forced.Clear();
        }

        private void AddLink(MentorLink link)
        {
            if (_links.TryGetValue((link.LeadProviderId, link.MenteeId), out var old)) RemoveLink(old);
            _links[(link.LeadProviderId, link.MenteeId)] = link;
            if (!_linksByMentor.TryGetValue(link.MentorId, out var set)) _linksByMentor[link.MentorId] = set = [];
            set.Add((link.LeadProviderId, link.MenteeId));
            if (!_linksByMentee.TryGetValue(link.MenteeId, out var mine)) _linksByMentee[link.MenteeId] = mine = [];
            mine.Add((link.LeadProviderId, link.MenteeId));
        }

        private void RemoveLink(MentorLink link)
        {
            _links.Remove((link.LeadProviderId, link.MenteeId));
            if (_linksByMentor.TryGetValue(link.MentorId, out var set) && set.Remove((link.LeadProviderId, link.MenteeId)) && set.Count == 0)
                _linksByMentor.Remove(link.MentorId);
            if (_linksByMentee.TryGetValue(link.MenteeId, out var mine) && mine.Remove((link.LeadProviderId, link.MenteeId)) && mine.Count == 0)
                _linksByMentee.Remove(link.MenteeId);
        }

        private List<MentorLink> LinksOf(Guid menteeId) =>
            _linksByMentee.TryGetValue(menteeId, out var keys) ? [.. keys.Select(k => _links[k])] : [];

        /// <summary>Replaces the mentee's links with those its documents name; returns the mentors whose links changed.</summary>
        private HashSet<Guid> UpdateLinks(Guid menteeId, IReadOnlyList<ParticipantView> views, ProjectionContext context)
        {
            var now = views.Where(v => v.EctMentorship is not null)
                .Select(v => new MentorLink(v.LeadProviderId, menteeId, v.EctMentorship!.MentorId, v.EctMentorship.MentorPeriodId, v.EctMentorship.Dates.Start))
                .ToList();
            var before = LinksOf(menteeId);
            var changed = new HashSet<Guid>();
            if (before.Count == now.Count && before.All(now.Contains)) return changed;
            foreach (var link in before) { RemoveLink(link); changed.Add(link.MentorId); }
            foreach (var link in now) { AddLink(link); changed.Add(link.MentorId); }
            if (context.IsRebuild) _dirtyMentees.Add(menteeId);
            else WriteLinks(context, menteeId, now);
            return changed;
        }

        private static void WriteLinks(ProjectionContext context, Guid menteeId, IReadOnlyList<MentorLink> links)
        {
            context.Enqueue("DELETE FROM lead_provider_mentor_links WHERE mentee_id = $1", menteeId);
            if (links.Count > 0)
                context.Enqueue(
                    """
                    INSERT INTO lead_provider_mentor_links (lead_provider_id, mentee_id, mentor_id, mentor_period_id, started_on)
                    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::integer[], $5::date[])
                    """,
                    links.Select(l => l.LeadProviderId).ToArray(), links.Select(l => l.MenteeId).ToArray(), links.Select(l => l.MentorId).ToArray(),
                    links.Select(l => l.MentorPeriodId).ToArray(), links.Select(l => l.StartedOn).ToArray());
        }

        private void RecomputeUnfunded(Guid mentorId, DateTimeOffset at, bool force, ProjectionContext context)
        {
            var mentor = History(mentorId);
            // A mentor whose history this batch could not see is left as it is rather than emptied.
            if (!mentor.Teacher.Exists) return;
            var trainedBy = ParticipantDocuments.LeadProviders(mentor).ToHashSet();
            var links = _linksByMentor.TryGetValue(mentorId, out var keys) ? keys.Select(k => _links[k]) : [];
            var views = UnfundedMentors.Build(mentor, links, trainedBy);
            var createdAt = mentor.FirstRegisteredAt.Values.DefaultIfEmpty().Min();
            if (context.IsRebuild) _unfunded.Track(mentorId, views, at, createdAt, force, this);
            else _unfunded.Write(context, mentorId, views, at, createdAt, force);
        }

        // The mentors the mentees have links with are an array built once (an InitPlan), not a third OR on a subquery: that OR
        // kept PostgreSQL from using either index and made every append that touches a teacher scan the whole table (0.3 ms
        // in the HTTP benchmark, growing with the table). It was a UNION after that, which cost 170 µs of planning on every
        // append (an array of unknown length keeps custom plans); this form plans in about 50.
        private static async Task<List<MentorLink>> ReadLinksAsync(NpgsqlConnection conn, Guid[] mentorIds, Guid[] menteeIds, CancellationToken ct)
        {
            var links = new List<MentorLink>();
            await using var cmd = new NpgsqlCommand(
                """
                SELECT lead_provider_id, mentee_id, mentor_id, mentor_period_id, started_on FROM lead_provider_mentor_links
                WHERE mentee_id = ANY($2)
                   OR mentor_id = ANY($1 || ARRAY(SELECT m.mentor_id FROM lead_provider_mentor_links m WHERE m.mentee_id = ANY($2)))
                """, conn)
            { Parameters = { new() { Value = mentorIds }, new() { Value = menteeIds } } };
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                links.Add(new MentorLink(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt32(3), reader.GetFieldValue<DateOnly>(4)));
            return links;
        }

        private static void Write(ProjectionContext context, Guid teacherId, IReadOnlyList<ParticipantView> views, DateTimeOffset at, DateTimeOffset createdAt, bool force)
        {
            foreach (var v in views)
                context.Enqueue(
                    """
                    INSERT INTO lead_provider_participants AS t
                        (lead_provider_id, teacher_id, document, hash, api_updated_at, created_at, next_change_on, cohorts, training_statuses, school_ids, partnership_ids)
                    VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11)
                    ON CONFLICT (lead_provider_id, teacher_id) DO UPDATE SET
                        api_updated_at = CASE WHEN t.hash = excluded.hash AND NOT $12 THEN t.api_updated_at ELSE excluded.api_updated_at END,
                        document = excluded.document, hash = excluded.hash, created_at = excluded.created_at,
                        next_change_on = excluded.next_change_on, cohorts = excluded.cohorts, training_statuses = excluded.training_statuses,
                        school_ids = excluded.school_ids, partnership_ids = excluded.partnership_ids
                    WHERE $12 OR (t.hash, t.created_at, t.next_change_on, t.school_ids, t.partnership_ids)
                        IS DISTINCT FROM (excluded.hash, excluded.created_at, excluded.next_change_on, excluded.school_ids, excluded.partnership_ids)
                    """,
                    [.. RowParameters(v, teacherId, at, createdAt), force]);
            context.Enqueue("DELETE FROM lead_provider_participants WHERE teacher_id = $1 AND NOT (lead_provider_id = ANY($2))",
                teacherId, views.Select(v => v.LeadProviderId).ToArray());
        }

        private static readonly (string, NpgsqlDbType)[] ParticipantColumns =
        [
            ("lead_provider_id", NpgsqlDbType.Uuid), ("teacher_id", NpgsqlDbType.Uuid), ("document", NpgsqlDbType.Jsonb), ("hash", NpgsqlDbType.Bytea),
            ("api_updated_at", NpgsqlDbType.TimestampTz), ("created_at", NpgsqlDbType.TimestampTz), ("next_change_on", NpgsqlDbType.Date),
            ("cohorts", NpgsqlDbType.Array | NpgsqlDbType.Integer), ("training_statuses", NpgsqlDbType.Array | NpgsqlDbType.Text),
            ("school_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid), ("partnership_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid),
        ];

        private static readonly (string, NpgsqlDbType)[] LinkColumns =
        [
            ("lead_provider_id", NpgsqlDbType.Uuid), ("mentee_id", NpgsqlDbType.Uuid), ("mentor_id", NpgsqlDbType.Uuid),
            ("mentor_period_id", NpgsqlDbType.Integer), ("started_on", NpgsqlDbType.Date),
        ];

        private static object?[] RowParameters(ParticipantView v, Guid teacherId, DateTimeOffset updatedAt, DateTimeOffset createdAt) =>
        [
            v.LeadProviderId, teacherId, Jsonb(v.Json), v.Hash, updatedAt, createdAt,
            new NpgsqlParameter { Value = (object?)v.NextChangeOn ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date },
            v.Cohorts, v.TrainingStatuses, v.SchoolIds, v.PartnershipIds,
        ];

        // The same rule as the SQL above, applied in memory: the replay writes each row once, when it completes.
        private void Track(Guid teacherId, IReadOnlyList<ParticipantView> views, DateTimeOffset at, DateTimeOffset createdAt, bool force)
        {
            var keys = _rowsByTeacher.TryGetValue(teacherId, out var existing) ? existing : _rowsByTeacher[teacherId] = [];
            foreach (var key in keys.Where(k => views.All(v => v.LeadProviderId != k.Item1)).ToList())
            {
                _rows.Remove(key);
                keys.Remove(key);
                _dirty.Add(key);
            }
            foreach (var v in views)
            {
                var key = (v.LeadProviderId, teacherId);
                var updatedAt = !force && _rows.TryGetValue(key, out var old) && old.View.Hash.AsSpan().SequenceEqual(v.Hash) ? old.UpdatedAt : at;
                _rows[key] = new Row(v, updatedAt, createdAt);
                keys.Add(key);
                _dirty.Add(key);
                foreach (var p in v.PartnershipIds) Index(_byPartnership, p, teacherId);
                foreach (var s in v.SchoolIds) Index(_bySchool, s, teacherId);
                if (v.NextChangeOn is { } next) Index(_byNextChange, next, teacherId);
            }
        }

        internal static void Index<TKey>(IDictionary<TKey, HashSet<Guid>> index, TKey key, Guid teacherId)
        {
            if (!index.TryGetValue(key, out var set)) index[key] = set = [];
            set.Add(teacherId);
        }

        internal void WriteRebuilt(ProjectionContext context)
        {
            _transfers.WriteRebuilt(context);
            _unfunded.WriteRebuilt(context);
            var newLinks = new List<MentorLink>();
            foreach (var mentee in _dirtyMentees)
            {
                // Links never written before are copied; a mentee's earlier ones (blue/green: a pass before) are replaced by the live statements.
                var links = LinksOf(mentee);
                if (_linksWritten.Contains(mentee)) WriteLinks(context, mentee, links);
                else newLinks.AddRange(links);
                if (links.Count > 0) _linksWritten.Add(mentee);
            }
            _dirtyMentees.Clear();
            if (newLinks.Count > 0)
                context.Copy("lead_provider_mentor_links", LinkColumns).AddAll(newLinks.Select(l => new object?[] { l.LeadProviderId, l.MenteeId, l.MentorId, l.MentorPeriodId, l.StartedOn }));
            // The rows as they stand now, made into copy rows as the copy sends them (a later pass replaces a row, never changes it).
            var newRows = new List<(Guid Teacher, Row Row)>();
            foreach (var key in _dirty)
            {
                var row = _rows.GetValueOrDefault(key);
                // A row not in the table yet is copied (the bulk of a rebuild); one written by an earlier pass is upserted.
                if (row is not null && _inTable.Add(key))
                {
                    newRows.Add((key.Teacher, row));
                    continue;
                }
                if (row is null && !_inTable.Remove(key)) continue;
                if (row is not null)
                    context.Enqueue(
                        """
                        INSERT INTO lead_provider_participants
                            (lead_provider_id, teacher_id, document, hash, api_updated_at, created_at, next_change_on, cohorts, training_statuses, school_ids, partnership_ids)
                        VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11)
                        ON CONFLICT (lead_provider_id, teacher_id) DO UPDATE SET
                            document = excluded.document, hash = excluded.hash, api_updated_at = excluded.api_updated_at, created_at = excluded.created_at,
                            next_change_on = excluded.next_change_on, cohorts = excluded.cohorts, training_statuses = excluded.training_statuses,
                            school_ids = excluded.school_ids, partnership_ids = excluded.partnership_ids
                        """,
                        RowParameters(row.View, key.Teacher, row.UpdatedAt, row.CreatedAt));
                else
                    context.Enqueue("DELETE FROM lead_provider_participants WHERE lead_provider_id = $1 AND teacher_id = $2", key.Provider, key.Teacher);
            }
            _dirty.Clear();
            if (newRows.Count > 0)
                context.Copy("lead_provider_participants", ParticipantColumns).AddAll(newRows.Select(r => new object?[]
            {
                r.Row.View.LeadProviderId, r.Teacher, r.Row.View.Json, r.Row.View.Hash, r.Row.UpdatedAt, r.Row.CreatedAt, r.Row.View.NextChangeOn,
                r.Row.View.Cohorts, r.Row.View.TrainingStatuses, r.Row.View.SchoolIds, r.Row.View.PartnershipIds,
            }));
        }
    }
}

/// <summary>lead_provider_transfers and lead_provider_unfunded_mentors, kept by the same rule as the participant documents.</summary>
internal sealed class DocumentRows(string table)
{
    private sealed record Row(DocumentView View, DateTimeOffset UpdatedAt, DateTimeOffset CreatedAt);

    private readonly Dictionary<(Guid Provider, Guid Teacher), Row> _rows = [];
    private readonly Dictionary<Guid, HashSet<(Guid Provider, Guid Teacher)>> _byTeacher = [];
    private readonly HashSet<(Guid Provider, Guid Teacher)> _dirty = [];

    private string Upsert => $"""
        INSERT INTO {table} AS t (lead_provider_id, teacher_id, document, hash, api_updated_at, created_at, next_change_on, school_ids)
        VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
        ON CONFLICT (lead_provider_id, teacher_id) DO UPDATE SET
            api_updated_at = CASE WHEN t.hash = excluded.hash AND NOT $9 THEN t.api_updated_at ELSE excluded.api_updated_at END,
            document = excluded.document, hash = excluded.hash, created_at = excluded.created_at,
            next_change_on = excluded.next_change_on, school_ids = excluded.school_ids
        WHERE $9 OR (t.hash, t.created_at, t.next_change_on, t.school_ids) IS DISTINCT FROM (excluded.hash, excluded.created_at, excluded.next_change_on, excluded.school_ids)
        """;

    private static object?[] Parameters(DocumentView v, Guid teacherId, DateTimeOffset updatedAt, DateTimeOffset createdAt, bool force) =>
    [
        v.LeadProviderId, teacherId, LeadProviderParticipantsProjection.Jsonb(v.Json), v.Hash, updatedAt, createdAt,
        new NpgsqlParameter { Value = (object?)v.NextChangeOn ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date }, v.SchoolIds, force,
    ];

    public void Write(ProjectionContext context, Guid teacherId, IReadOnlyList<DocumentView> views, DateTimeOffset at, DateTimeOffset createdAt, bool force)
    {
        foreach (var v in views) context.Enqueue(Upsert, Parameters(v, teacherId, at, createdAt, force));
        context.Enqueue($"DELETE FROM {table} WHERE teacher_id = $1 AND NOT (lead_provider_id = ANY($2))",
            teacherId, views.Select(v => v.LeadProviderId).ToArray());
    }

    public void Track(Guid teacherId, IReadOnlyList<DocumentView> views, DateTimeOffset at, DateTimeOffset createdAt, bool force, LeadProviderParticipantsProjection.Session session)
    {
        var keys = _byTeacher.TryGetValue(teacherId, out var existing) ? existing : _byTeacher[teacherId] = [];
        foreach (var key in keys.Where(k => views.All(v => v.LeadProviderId != k.Provider)).ToList())
        {
            _rows.Remove(key);
            keys.Remove(key);
            _dirty.Add(key);
        }
        foreach (var v in views)
        {
            var key = (v.LeadProviderId, teacherId);
            var updatedAt = !force && _rows.TryGetValue(key, out var old) && old.View.Hash.AsSpan().SequenceEqual(v.Hash) ? old.UpdatedAt : at;
            _rows[key] = new Row(v, updatedAt, createdAt);
            keys.Add(key);
            _dirty.Add(key);
            foreach (var s in v.SchoolIds) LeadProviderParticipantsProjection.Session.Index(session._bySchool, s, teacherId);
            if (v.NextChangeOn is { } next) LeadProviderParticipantsProjection.Session.Index(session._byNextChange, next, teacherId);
        }
    }

    private static readonly (string, NpgsqlDbType)[] Columns =
    [
        ("lead_provider_id", NpgsqlDbType.Uuid), ("teacher_id", NpgsqlDbType.Uuid), ("document", NpgsqlDbType.Jsonb), ("hash", NpgsqlDbType.Bytea),
        ("api_updated_at", NpgsqlDbType.TimestampTz), ("created_at", NpgsqlDbType.TimestampTz), ("next_change_on", NpgsqlDbType.Date),
        ("school_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid),
    ];

    // The rows already in the table (blue/green: written by an earlier pass), which must be replaced rather than copied.
    private readonly HashSet<(Guid Provider, Guid Teacher)> _inTable = [];

    public void WriteRebuilt(ProjectionContext context)
    {
        var newRows = new List<(Guid Teacher, Row Row)>();
        foreach (var key in _dirty)
        {
            var row = _rows.GetValueOrDefault(key);
            if (row is not null && _inTable.Add(key)) newRows.Add((key.Teacher, row));
            else if (row is not null) context.Enqueue(Upsert, Parameters(row.View, key.Teacher, row.UpdatedAt, row.CreatedAt, true));
            else if (_inTable.Remove(key)) context.Enqueue($"DELETE FROM {table} WHERE lead_provider_id = $1 AND teacher_id = $2", key.Provider, key.Teacher);
        }
        _dirty.Clear();
        if (newRows.Count > 0)
            context.Copy(table, Columns).AddAll(newRows.Select(r => new object?[]
            { r.Row.View.LeadProviderId, r.Teacher, r.Row.View.Json, r.Row.View.Hash, r.Row.UpdatedAt, r.Row.CreatedAt, r.Row.View.NextChangeOn, r.Row.View.SchoolIds }));
    }
}
