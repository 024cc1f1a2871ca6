using System.Globalization;
using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.Reference;
using RegisterEcts.Schools;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Partnerships.ApiView;

/// <summary>
/// The lead provider API's partnerships, schools and delivery partners, one document per row with an
/// api_updated_at that moves only when that document changes. Every write is SQL that derives the new
/// document from rows this projection owns and compares it with the stored one, so it needs no reads:
/// queued statements run in order, a rebuild replays the same statements, and both produce the same rows.
/// </summary>
public sealed class LeadProviderApiProjection : IProjection
{
    public string Name => "lead_provider_api";

    public IReadOnlyList<string> Tables =>
        ["lead_provider_partnerships", "lead_provider_delivery_partners", "lead_provider_api_schools", "lead_provider_api_delivery_partner_names",
         "lead_provider_partnership_training", "lead_provider_api_contract_periods", "lead_provider_school_training"];

    /// The timestamp format of every v3 document (Rails' ISO 8601 with milliseconds, in UTC).
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var known = context.IsRebuild ? context.Session<KnownSchoolTraining>() : null;
        var schools = context.IsRebuild ? context.Session<RebuildSchools>() : null;
        if (schools is { Copied: true }) schools = null;
        var training = context.IsRebuild ? context.Session<RebuildTraining>() : null;
        if (training is { Copied: true }) training = null;
        foreach (var e in events)
        {
            var at = e.RecordedAt;
            switch (e.Data)
            {
                case SchoolOpened o:
                    if (schools is not null) schools.Open(o, at);
                    else context.Enqueue(
                        "INSERT INTO lead_provider_api_schools (school_id, urn, name, eligible, created_at, api_updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                        o.SchoolId, o.Urn, o.Name, o.Eligible, at);
                    break;
                case SchoolDetailsChanged d:
                    if (schools is not null) schools.ChangeDetails(d, at);
                    else context.Enqueue(
                        "UPDATE lead_provider_api_schools SET name = $2, eligible = $3, api_updated_at = $4 WHERE school_id = $1 AND (name, eligible) IS DISTINCT FROM ($2, $3)",
                        d.SchoolId, d.Name, d.Eligible, at);
                    break;
                case SchoolUrnChanged u:
                    if (schools is not null) schools.ChangeUrn(u, at);
                    else context.Enqueue("UPDATE lead_provider_api_schools SET urn = $2, api_updated_at = $3 WHERE school_id = $1 AND urn <> $2", u.SchoolId, u.ToUrn, at);
                    ChangeDocuments(context, "school_id = $1", u.SchoolId, "jsonb_build_object('urn', $2::text)", u.ToUrn.ToString(CultureInfo.InvariantCulture), at);
                    break;
                case DeliveryPartnerRegistered d:
                    if (schools is not null) schools.DeliveryPartnerNames[d.DeliveryPartnerId] = d.Name;
                    context.Enqueue(
                        """
                        INSERT INTO lead_provider_api_delivery_partner_names (delivery_partner_id, name, created_at) VALUES ($1, $2, $3)
                        ON CONFLICT (delivery_partner_id) DO UPDATE SET name = EXCLUDED.name
                        """, d.DeliveryPartnerId, d.Name, at);
                    context.Enqueue(
                        "UPDATE lead_provider_delivery_partners SET name = $2, api_updated_at = $3 WHERE delivery_partner_id = $1 AND name <> $2",
                        d.DeliveryPartnerId, d.Name, at);
                    ChangeDocuments(context, "delivery_partner_id = $1", d.DeliveryPartnerId, "jsonb_build_object('delivery_partner_name', $2::text)", d.Name, at);
                    break;
                case LeadProviderDeliveryPartnershipAdded p:
                    context.Enqueue(
                        """
                        INSERT INTO lead_provider_delivery_partners (lead_provider_id, delivery_partner_id, name, cohorts, created_at, api_updated_at)
                        SELECT $1, n.delivery_partner_id, n.name, ARRAY[$3::integer], n.created_at, $4 FROM lead_provider_api_delivery_partner_names n WHERE n.delivery_partner_id = $2
                        ON CONFLICT (lead_provider_id, delivery_partner_id) DO UPDATE
                            SET cohorts = (SELECT array_agg(DISTINCT y ORDER BY y) FROM unnest(lead_provider_delivery_partners.cohorts || $3::integer) y), api_updated_at = $4
                            WHERE NOT ($3::integer = ANY (lead_provider_delivery_partners.cohorts))
                        """, p.LeadProviderId, p.DeliveryPartnerId, p.Year, at);
                    break;
                case SchoolPartnershipCreated c:
                    InsertPartnership(context, schools, c.PartnershipId, c.SchoolId, c.LeadProviderId, c.DeliveryPartnerId, c.ContractPeriodYear, at);
                    break;
                case SchoolPartnershipRecreated c:
                    InsertPartnership(context, schools, c.PartnershipId, c.SchoolId, c.LeadProviderId, c.DeliveryPartnerId, c.ContractPeriodYear, at);
                    break;
                case ContractPeriodRegistered p:
                    context.Enqueue(
                        """
                        INSERT INTO lead_provider_api_contract_periods (year, started_on, finished_on) VALUES ($1, $2, $3)
                        ON CONFLICT (year) DO UPDATE SET started_on = EXCLUDED.started_on, finished_on = EXCLUDED.finished_on
                        """, p.Year, p.StartedOn, p.FinishedOn);
                    if (known is not null) known.ContractPeriods[p.Year] = (p.StartedOn, p.FinishedOn);
                    break;
                case TrainingPeriodStarted t:
                    if (t.ProviderLed?.PartnershipId is { } partnershipId)
                        InsertTraining(context, training, t.TeacherId, t.TrainingPeriodId, partnershipId, t.StartedOn, t.FinishedOn);
                    if (known is null) RecordSchoolTraining(context, t, at);
                    else if (known.Add(t, out var year))
                    {
                        if (schools is null || year is not { } cohort) RecordSchoolTraining(context, t, at);
                        else
                        {
                            // The statement's insert as a copy, and its school touch in memory.
                            context.Copy("lead_provider_school_training", SchoolTrainingColumns).Add(t.SchoolId, Role(t), Programme(t), t.ProviderLed?.LeadProviderId ?? Guid.Empty, cohort);
                            schools.Touch(t.SchoolId, at);
                        }
                    }
                    break;
                case TrainingPeriodFinished f:
                    if (training is not null) training.Change(f.TeacherId, f.TrainingPeriodId, row => row.FinishedOn = f.FinishedOn);
                    else context.Enqueue("UPDATE lead_provider_partnership_training SET finished_on = $3 WHERE teacher_id = $1 AND training_period_id = $2",
                        f.TeacherId, f.TrainingPeriodId, f.FinishedOn);
                    break;
                case TrainingPeriodDeferred d:
                    FinishTrainingBy(context, training, d.TeacherId, d.TrainingPeriodId, d.DeferredOn);
                    break;
                case TrainingPeriodWithdrawn w:
                    FinishTrainingBy(context, training, w.TeacherId, w.TrainingPeriodId, w.WithdrawnOn);
                    break;
                case TrainingPeriodRemoved r:
                    if (training is not null) training.Remove(r.TeacherId, r.TrainingPeriodId);
                    else context.Enqueue("DELETE FROM lead_provider_partnership_training WHERE teacher_id = $1 AND training_period_id = $2", r.TeacherId, r.TrainingPeriodId);
                    break;
                case TrainingPeriodPartnershipRecreated r:
                    if (training is not null) training.Change(r.TeacherId, r.TrainingPeriodId, row => row.PartnershipId = r.ToPartnershipId);
                    else context.Enqueue("UPDATE lead_provider_partnership_training SET partnership_id = $3 WHERE teacher_id = $1 AND training_period_id = $2",
                        r.TeacherId, r.TrainingPeriodId, r.ToPartnershipId);
                    break;
                case TeacherHistoryMoved m:
                    if (training is not null) training.RemoveAll(m.TeacherId);
                    else context.Enqueue("DELETE FROM lead_provider_partnership_training WHERE teacher_id = $1", m.TeacherId);
                    break;
                case TeacherHistoryMerged m:
                    foreach (var t in m.TrainingPeriods)
                        if (t.ProviderLed?.PartnershipId is { } merged)
                            InsertTraining(context, training, m.TeacherId, t.Id, merged, t.Dates.Start, t.Dates.End);
                    break;
                case SchoolPartnershipDeliveryPartnerChanged d:
                    context.Enqueue(
                        """
                        UPDATE lead_provider_partnerships p
                        SET delivery_partner_id = $2,
                            document = p.document || jsonb_build_object('delivery_partner_id', $2::uuid, 'delivery_partner_name', n.name),
                            api_updated_at = $3
                        FROM lead_provider_api_delivery_partner_names n
                        WHERE p.partnership_id = $1 AND n.delivery_partner_id = $2 AND p.delivery_partner_id <> $2
                        """, d.PartnershipId, d.ToDeliveryPartnerId, at);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    private static void InsertPartnership(ProjectionContext context, RebuildSchools? schools, Guid id, Guid schoolId, Guid leadProviderId, Guid deliveryPartnerId,
        int year, DateTimeOffset at)
    {
        // In a rebuild the school's row and the delivery partners' names are in memory, so the row is copied with the document the
        // statement below would build: a statement each was 5,400 of a rebuild's statements at 20,000 careers. What the page's
        // statements do to it afterwards (a URN or a name changing) they do to the copied row, which is in the table first.
        if (schools is not null)
        {
            // The statement's joins insert nothing for a school or delivery partner they cannot find.
            if (!schools.Rows.TryGetValue(schoolId, out var school) || !schools.DeliveryPartnerNames.TryGetValue(deliveryPartnerId, out var partnerName)) return;
            context.Copy("lead_provider_partnerships", PartnershipColumns).Add(id, leadProviderId, schoolId, deliveryPartnerId, year,
                PartnershipDocument(year, school.Urn, schoolId, deliveryPartnerId, partnerName, at), at, at);
            schools.Touch(schoolId, at);
            return;
        }
        object?[] values = [id, leadProviderId, schoolId, deliveryPartnerId, year, at, Timestamp(at)];
        // induction_tutor_*: the service records no induction tutor yet, so the documents say so with nulls.
        context.Enqueue(
            $"""
            INSERT INTO lead_provider_partnerships (partnership_id, lead_provider_id, school_id, delivery_partner_id, contract_period_year, document, created_at, api_updated_at)
            SELECT $1, $2, $3, $4, $5,
                   jsonb_build_object('cohort', $5::text, 'urn', s.urn::text, 'school_id', $3::uuid, 'delivery_partner_id', $4::uuid,
                       'delivery_partner_name', n.name, 'induction_tutor_name', NULL, 'induction_tutor_email', NULL, 'created_at', $7::text),
                   $6, $6
            FROM lead_provider_api_schools s, lead_provider_api_delivery_partner_names n
            WHERE s.school_id = $3 AND n.delivery_partner_id = $4
            """, values);
        // A school's expression_of_interest and in_partnership change for every cohort row (rect-domain §9).
        context.Enqueue("UPDATE lead_provider_api_schools SET api_updated_at = $2 WHERE school_id = $1", schoolId, at);
    }

    private static readonly (string, NpgsqlTypes.NpgsqlDbType)[] PartnershipColumns =
    [
        ("partnership_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("lead_provider_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("school_id", NpgsqlTypes.NpgsqlDbType.Uuid),
        ("delivery_partner_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("contract_period_year", NpgsqlTypes.NpgsqlDbType.Integer),
        ("document", NpgsqlTypes.NpgsqlDbType.Jsonb), ("created_at", NpgsqlTypes.NpgsqlDbType.TimestampTz), ("api_updated_at", NpgsqlTypes.NpgsqlDbType.TimestampTz),
    ];

    /// <summary>The document the live statement's jsonb_build_object makes, as UTF-8 JSON (jsonb keeps the same keys and values).</summary>
    private static byte[] PartnershipDocument(int year, int urn, Guid schoolId, Guid deliveryPartnerId, string deliveryPartnerName, DateTimeOffset at)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(320);
        using (var json = new System.Text.Json.Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("cohort", year.ToString(CultureInfo.InvariantCulture));
            json.WriteString("urn", urn.ToString(CultureInfo.InvariantCulture));
            json.WriteString("school_id", schoolId);
            json.WriteString("delivery_partner_id", deliveryPartnerId);
            json.WriteString("delivery_partner_name", deliveryPartnerName);
            json.WriteNull("induction_tutor_name");
            json.WriteNull("induction_tutor_email");
            json.WriteString("created_at", Timestamp(at));
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    private static void InsertTraining(ProjectionContext context, RebuildTraining? training, Guid teacherId, int trainingPeriodId, Guid partnershipId,
        DateOnly startedOn, DateOnly? finishedOn)
    {
        if (training is not null) training.Upsert(teacherId, trainingPeriodId, partnershipId, startedOn, finishedOn);
        else context.Enqueue(
            """
            INSERT INTO lead_provider_partnership_training (teacher_id, training_period_id, partnership_id, started_on, finished_on) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (teacher_id, training_period_id) DO UPDATE SET partnership_id = EXCLUDED.partnership_id, started_on = EXCLUDED.started_on, finished_on = EXCLUDED.finished_on
            """, teacherId, trainingPeriodId, partnershipId, startedOn, finishedOn);
    }

    /// A new kind of training at the school (role, programme, provider, cohort) may change its documents
    /// (expression_of_interest, induction_programme_choice): the school's api_updated_at moves only then.
    private static void RecordSchoolTraining(ProjectionContext context, TrainingPeriodStarted t, DateTimeOffset at) =>
        context.Enqueue(
            """
            WITH added AS (
                INSERT INTO lead_provider_school_training (school_id, role, programme, lead_provider_id, contract_period_year)
                SELECT $1, $2, $3, $4, COALESCE($5::integer, (SELECT c.year FROM lead_provider_api_contract_periods c WHERE c.started_on <= $6::date AND $6::date <= c.finished_on), 0)
                ON CONFLICT DO NOTHING
                RETURNING school_id)
            UPDATE lead_provider_api_schools SET api_updated_at = $7 WHERE school_id IN (SELECT school_id FROM added)
            """,
            t.SchoolId, Role(t), Programme(t), t.ProviderLed?.LeadProviderId ?? Guid.Empty, (object?)t.ProviderLed?.ContractPeriodYear, t.StartedOn, at);

    private static string Role(TrainingPeriodStarted t) => t.Role == TeacherRole.Ect ? "ect" : "mentor";

    private static string Programme(TrainingPeriodStarted t) => t.Programme == TrainingProgramme.ProviderLed ? "provider_led" : "school_led";

    private static readonly (string, NpgsqlTypes.NpgsqlDbType)[] SchoolTrainingColumns =
    [
        ("school_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("role", NpgsqlTypes.NpgsqlDbType.Text), ("programme", NpgsqlTypes.NpgsqlDbType.Text),
        ("lead_provider_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("contract_period_year", NpgsqlTypes.NpgsqlDbType.Integer),
    ];

    /// <summary>
    /// Rebuild only: lead_provider_api_schools held in memory until the rebuild (or a blue/green pass) completes, then copied.
    /// Every partnership and every new kind of training at a school moves the school's api_updated_at, an indexed column,
    /// so a statement each rewrote the row and its four index entries thousands of times per school. After the copy,
    /// events go through the statements again: the rows are in the table.
    /// </summary>
    private sealed class RebuildSchools
    {
        public sealed class Row
        {
            public required int Urn;
            public required string Name;
            public required bool Eligible;
            public required DateTimeOffset CreatedAt;
            public required DateTimeOffset ApiUpdatedAt;
        }

        public Dictionary<Guid, Row> Rows { get; } = [];
        /// <summary>lead_provider_api_delivery_partner_names as the statements leave it, for the partnerships' documents.</summary>
        public Dictionary<Guid, string> DeliveryPartnerNames { get; } = [];
        public bool Copied { get; private set; }

        public void Open(SchoolOpened o, DateTimeOffset at)
        {
            // The statement's primary key would refuse it, and so would the copy: say which.
            if (!Rows.TryAdd(o.SchoolId, new Row { Urn = o.Urn, Name = o.Name, Eligible = o.Eligible, CreatedAt = at, ApiUpdatedAt = at }))
                throw new InvalidOperationException($"School {o.SchoolId} was opened twice.");
        }

        /// <summary>The live statement's UPDATE … WHERE (name, eligible) IS DISTINCT FROM the new ones.</summary>
        public void ChangeDetails(SchoolDetailsChanged d, DateTimeOffset at)
        {
            if (Rows.TryGetValue(d.SchoolId, out var row) && (row.Name, row.Eligible) != (d.Name, d.Eligible))
                (row.Name, row.Eligible, row.ApiUpdatedAt) = (d.Name, d.Eligible, at);
        }

        public void ChangeUrn(SchoolUrnChanged u, DateTimeOffset at)
        {
            if (Rows.TryGetValue(u.SchoolId, out var row) && row.Urn != u.ToUrn) (row.Urn, row.ApiUpdatedAt) = (u.ToUrn, at);
        }

        public void Touch(Guid schoolId, DateTimeOffset at)
        {
            if (Rows.TryGetValue(schoolId, out var row)) row.ApiUpdatedAt = at;
        }

        public void CopyAll(ProjectionContext context)
        {
            if (Copied) return;
            var copy = context.Copy("lead_provider_api_schools", ("school_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("urn", NpgsqlTypes.NpgsqlDbType.Integer),
                ("name", NpgsqlTypes.NpgsqlDbType.Text), ("eligible", NpgsqlTypes.NpgsqlDbType.Boolean), ("created_at", NpgsqlTypes.NpgsqlDbType.TimestampTz),
                ("api_updated_at", NpgsqlTypes.NpgsqlDbType.TimestampTz));
            foreach (var (id, r) in Rows) copy.Add(id, r.Urn, r.Name, r.Eligible, r.CreatedAt, r.ApiUpdatedAt);
            Rows.Clear();
            Copied = true;
        }
    }

    public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
    {
        context.Session<RebuildSchools>().CopyAll(context);
        context.Session<RebuildTraining>().CopyAll(context);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Rebuild only: the lead_provider_school_training rows written so far (the table only ever gains rows, and
    /// only through <see cref="RecordSchoolTraining"/>), so the statement is sent only for a kind of training the
    /// school has not had — the others would insert nothing and move nothing.
    /// </summary>
    private sealed class KnownSchoolTraining
    {
        private readonly HashSet<(Guid School, bool Ect, bool ProviderLed, Guid LeadProvider, int Year)> _rows = [];
        public Dictionary<int, (DateOnly StartedOn, DateOnly FinishedOn)> ContractPeriods { get; } = [];

        /// <summary>
        /// False when the row is known to be there already; true when it is new, with the cohort year it gets, or with no year
        /// when the statement must work that out (and fail: several cohorts contain the day).
        /// </summary>
        public bool Add(TrainingPeriodStarted t, out int? year)
        {
            year = null;
            int resolved;
            if (t.ProviderLed?.ContractPeriodYear is { } given) resolved = given;
            else
            {
                var containing = ContractPeriods.Where(c => c.Value.StartedOn <= t.StartedOn && t.StartedOn <= c.Value.FinishedOn).Take(2).ToList();
                if (containing.Count > 1) return true;
                resolved = containing.Count == 1 ? containing[0].Key : 0;
            }
            if (!_rows.Add((t.SchoolId, t.Role == TeacherRole.Ect, t.Programme == TrainingProgramme.ProviderLed, t.ProviderLed?.LeadProviderId ?? Guid.Empty, resolved)))
                return false;
            year = resolved;
            return true;
        }
    }

    private static void FinishTrainingBy(ProjectionContext context, RebuildTraining? training, Guid teacherId, int trainingPeriodId, DateOnly on)
    {
        // LEAST ignores a NULL: an open period ends on the day, an ended one keeps the earlier of the two.
        if (training is not null) training.Change(teacherId, trainingPeriodId, row => row.FinishedOn = row.FinishedOn is { } finished && finished < on ? finished : on);
        else context.Enqueue(
            "UPDATE lead_provider_partnership_training SET finished_on = LEAST(finished_on, $3) WHERE teacher_id = $1 AND training_period_id = $2",
            teacherId, trainingPeriodId, on);
    }

    /// <summary>
    /// Rebuild only: lead_provider_partnership_training held in memory until the rebuild (or a blue/green pass) completes, then
    /// copied, as <see cref="RebuildSchools"/> does for the schools: an upsert or an update per training event was 32,000 of the
    /// 41,000 statements a rebuild of 20,000 careers sent. Each operation is its live statement's effect on the row, if any.
    /// </summary>
    private sealed class RebuildTraining
    {
        public sealed class Row
        {
            public required Guid PartnershipId;
            public required DateOnly StartedOn;
            public required DateOnly? FinishedOn;
        }

        private readonly Dictionary<Guid, Dictionary<int, Row>> _byTeacher = [];
        public bool Copied { get; private set; }

        public void Upsert(Guid teacherId, int trainingPeriodId, Guid partnershipId, DateOnly startedOn, DateOnly? finishedOn)
        {
            if (!_byTeacher.TryGetValue(teacherId, out var rows)) _byTeacher[teacherId] = rows = [];
            rows[trainingPeriodId] = new Row { PartnershipId = partnershipId, StartedOn = startedOn, FinishedOn = finishedOn };
        }

        public void Change(Guid teacherId, int trainingPeriodId, Action<Row> change)
        {
            if (_byTeacher.TryGetValue(teacherId, out var rows) && rows.TryGetValue(trainingPeriodId, out var row)) change(row);
        }

        public void Remove(Guid teacherId, int trainingPeriodId)
        {
            if (_byTeacher.TryGetValue(teacherId, out var rows)) rows.Remove(trainingPeriodId);
        }

        public void RemoveAll(Guid teacherId) => _byTeacher.Remove(teacherId);

        public void CopyAll(ProjectionContext context)
        {
            if (Copied) return;
            var copy = context.Copy("lead_provider_partnership_training", ("teacher_id", NpgsqlTypes.NpgsqlDbType.Uuid),
                ("training_period_id", NpgsqlTypes.NpgsqlDbType.Integer), ("partnership_id", NpgsqlTypes.NpgsqlDbType.Uuid),
                ("started_on", NpgsqlTypes.NpgsqlDbType.Date), ("finished_on", NpgsqlTypes.NpgsqlDbType.Date));
            foreach (var (teacherId, rows) in _byTeacher)
                foreach (var (periodId, r) in rows) copy.Add(teacherId, periodId, r.PartnershipId, r.StartedOn, r.FinishedOn);
            _byTeacher.Clear();
            Copied = true;
        }
    }

    /// How many of each partnership's training periods contain <paramref name="today"/>.
    public static async Task<Dictionary<Guid, int>> CurrentlyTrainingAsync(NpgsqlDataSource db, Guid[] partnerships, DateOnly today, CancellationToken ct)
    {
        var counts = new Dictionary<Guid, int>();
        if (partnerships.Length == 0) return counts;
        await using var cmd = db.CreateCommand(
            """
            SELECT partnership_id, count(*)::integer FROM lead_provider_partnership_training
            WHERE partnership_id = ANY ($1) AND started_on <= $2 AND (finished_on IS NULL OR finished_on >= $2)
            GROUP BY partnership_id
            """);
        cmd.Parameters.Add(new() { Value = partnerships });
        cmd.Parameters.Add(new() { Value = today });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) counts[r.GetGuid(0)] = r.GetInt32(1);
        return counts;
    }

    /// Merges <paramref name="patch"/> into the documents matching <paramref name="where"/>; only those it changes move.
    private static void ChangeDocuments(ProjectionContext context, string where, Guid key, string patch, object value, DateTimeOffset at) =>
        context.Enqueue(
            $"UPDATE lead_provider_partnerships SET document = document || {patch}, api_updated_at = $3 WHERE {where} AND document || {patch} <> document",
            key, value, at);
}
