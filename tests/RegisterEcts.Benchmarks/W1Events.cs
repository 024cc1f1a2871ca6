using Npgsql;
using NpgsqlTypes;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.Benchmarks;

// The W1 shapes: ten small facts of one teacher's training, JSON bodies of about 90 bytes.
public sealed record W1Registered(Guid TeacherId, string Trn, DateOnly On);
public sealed record W1TrainingStarted(Guid TeacherId, string LeadProvider, DateOnly On);
public sealed record W1MentorAssigned(Guid TeacherId, Guid MentorId, DateOnly On);
public sealed record W1Declared(Guid TeacherId, string DeclarationType, DateOnly On);
public sealed record W1Deferred(Guid TeacherId, string Reason, DateOnly On);
public sealed record W1Resumed(Guid TeacherId, string LeadProvider, DateOnly On);
public sealed record W1SchoolTransferred(Guid TeacherId, string FromUrn, string ToUrn, DateOnly On);
public sealed record W1Completed(Guid TeacherId, string Outcome, DateOnly On);

public static class W1
{
    public static void Register(EventStoreOptions options)
    {
        options.Events
            .Map<W1Registered>("w1_teacher_registered")
            .Map<W1TrainingStarted>("w1_training_started")
            .Map<W1MentorAssigned>("w1_mentor_assigned")
            .Map<W1Declared>("w1_declaration_submitted")
            .Map<W1Deferred>("w1_training_deferred")
            .Map<W1Resumed>("w1_training_resumed")
            .Map<W1SchoolTransferred>("w1_school_transferred")
            .Map<W1Completed>("w1_training_completed");
        options.Migrations.Add(new Migration("bench/0001_w1", TeacherStatusProjection.Sql + RawTable));
    }

    /// <summary>The raw baseline: a plain table about as wide as an event row.</summary>
    public const string RawTable = """
        CREATE TABLE raw_w1 (
            id bigserial PRIMARY KEY, event_id uuid NOT NULL, stream_id uuid NOT NULL, version bigint NOT NULL,
            type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now());
        """;

    /// <summary>The ten events of stream <paramref name="id"/>, in order.</summary>
    public static object[] Career(Guid id, int n)
    {
        var day = new DateOnly(2025, 9, 1).AddDays(n % 20);
        return
        [
            new W1Registered(id, (1000000 + n % 9000000).ToString(), day),
            new W1TrainingStarted(id, "ambition-institute", day.AddDays(1)),
            new W1MentorAssigned(id, Guid.CreateVersion7(), day.AddDays(7)),
            new W1Declared(id, "started", day.AddDays(30)),
            new W1Declared(id, "retained-1", day.AddDays(120)),
            new W1Deferred(id, "parental_leave", day.AddDays(150)),
            new W1Resumed(id, "ambition-institute", day.AddDays(240)),
            new W1SchoolTransferred(id, "100001", "100002", day.AddDays(300)),
            new W1Declared(id, "retained-2", day.AddDays(330)),
            new W1Completed(id, "completed", day.AddDays(700)),
        ];
    }
}

/// <summary>
/// W1's inline projection: one status row (about 500 bytes) per teacher, written per event inline. A rebuild folds
/// each teacher's row in memory and writes the final rows with one COPY when the rebuild completes.
/// </summary>
public sealed class TeacherStatusProjection : IProjection
{
    public const string Sql = """
        CREATE TABLE w1_teacher_status (
            teacher_id uuid PRIMARY KEY, trn text, status text NOT NULL, lead_provider text, mentor_id uuid, school_urn text,
            declarations int NOT NULL DEFAULT 0, last_declaration text, version bigint NOT NULL, recorded_at timestamptz NOT NULL,
            updated_on date NOT NULL, notes text NOT NULL);
        """;

    // Pads the row to the W1 width without making each write more expensive to build.
    private static readonly string Notes = new('n', 330);

    public string Name => "w1_teacher_status";

    // It needs versions and the time of recording, never the sequence: one round trip per append.
    public bool NeedsWrittenEvents => false;

    public IReadOnlyList<string> Tables => ["w1_teacher_status"];

    // Nulls go typed: an untyped null changes the statement's parameter types from one call to the next,
    // and every change costs a fresh prepare.
    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    // Typed parameters: no type inference from the value on every write (as the store's own append does).
    private static NpgsqlParameter<Guid> Uuid(Guid value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Uuid };
    private static NpgsqlParameter<long> Bigint(long value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bigint };
    private static NpgsqlParameter<DateOnly> Date(DateOnly value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Date };

    // Inline, the time of recording is the transaction's (now()); in a rebuild it is the event's own.
    private static NpgsqlParameter RecordedAt(RecordedEvent e) =>
        new() { Value = e.RecordedAt == default ? DBNull.Value : e.RecordedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    /// A row as a rebuild folds it, before it is written.
    private sealed class Row
    {
        public required string Trn;
        public string Status = "registered";
        public string? LeadProvider;
        public Guid? MentorId;
        public string? SchoolUrn;
        public int Declarations;
        public string? LastDeclaration;
        public long Version;
        public DateTimeOffset RecordedAt;
        public DateOnly UpdatedOn;
    }

    private sealed class Folded : Dictionary<Guid, Row>;

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var folded = context.IsRebuild ? context.Session<Folded>() : null;
        foreach (var e in events)
        {
            if (folded is not null && Fold(folded, e)) continue;
            switch (e.Data)
            {
                case W1Registered r:
                    context.Enqueue("INSERT INTO w1_teacher_status (teacher_id, trn, status, version, recorded_at, updated_on, notes) VALUES ($1, $2, 'registered', $3, coalesce($6, now()), $4, $5)",
                        Uuid(r.TeacherId), Text(r.Trn), Bigint(e.Version), Date(r.On), Text(Notes), RecordedAt(e));
                    break;
                case W1Declared d:
                    context.Enqueue("UPDATE w1_teacher_status SET declarations = declarations + 1, last_declaration = $2, version = $3, recorded_at = coalesce($5, now()), updated_on = $4 WHERE teacher_id = $1",
                        Uuid(d.TeacherId), Text(d.DeclarationType), Bigint(e.Version), Date(d.On), RecordedAt(e));
                    break;
                default:
                    var (status, provider, mentor, urn, on) = Change(e);
                    context.Enqueue(
                        """
                        UPDATE w1_teacher_status SET status = $2, lead_provider = coalesce($3, lead_provider), mentor_id = coalesce($4, mentor_id),
                            school_urn = coalesce($5, school_urn), version = $6, recorded_at = coalesce($8, now()), updated_on = $7 WHERE teacher_id = $1
                        """,
                        Uuid(e.StreamId), Text(status), Text(provider), new NpgsqlParameter { Value = (object?)mentor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                        Text(urn), Bigint(e.Version), Date(on), RecordedAt(e));
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// What an event other than a registration or a declaration sets on the row (null: left as it was).
    private static (string Status, string? Provider, Guid? Mentor, string? Urn, DateOnly On) Change(RecordedEvent e) => e.Data switch
    {
        W1TrainingStarted t => ("active", t.LeadProvider, null, null, t.On),
        W1MentorAssigned m => ("active", null, m.MentorId, null, m.On),
        W1Deferred d => ("deferred", null, null, null, d.On),
        W1Resumed r => ("active", r.LeadProvider, null, null, r.On),
        W1SchoolTransferred s => ("active", null, null, s.ToUrn, s.On),
        W1Completed c => (c.Outcome, null, null, null, c.On),
        _ => throw new InvalidOperationException($"W1 has no {e.TypeName}"),
    };

    /// Rebuild: folds the event into the teacher's row in memory; false when that row is already in the table
    /// (written when an earlier part of a blue/green rebuild completed), which then takes the statement.
    private static bool Fold(Folded folded, RecordedEvent e)
    {
        if (e.Data is W1Registered r)
        {
            folded[e.StreamId] = new Row { Trn = r.Trn, Version = e.Version, RecordedAt = e.RecordedAt, UpdatedOn = r.On };
            return true;
        }
        if (!folded.TryGetValue(e.StreamId, out var row)) return false;
        if (e.Data is W1Declared d)
        {
            row.Declarations++;
            row.LastDeclaration = d.DeclarationType;
            row.UpdatedOn = d.On;
        }
        else
        {
            // As the statement does: a value the event does not carry leaves the row's as it was.
            var (status, provider, mentor, urn, on) = Change(e);
            (row.Status, row.UpdatedOn) = (status, on);
            row.LeadProvider = provider ?? row.LeadProvider;
            row.MentorId = mentor ?? row.MentorId;
            row.SchoolUrn = urn ?? row.SchoolUrn;
        }
        row.Version = e.Version;
        row.RecordedAt = e.RecordedAt;
        return true;
    }

    public ValueTask CompleteRebuildAsync(ProjectionContext context, CancellationToken ct)
    {
        var folded = context.Session<Folded>();
        var copy = context.Copy("w1_teacher_status",
            ("teacher_id", NpgsqlDbType.Uuid), ("trn", NpgsqlDbType.Text), ("status", NpgsqlDbType.Text), ("lead_provider", NpgsqlDbType.Text),
            ("mentor_id", NpgsqlDbType.Uuid), ("school_urn", NpgsqlDbType.Text), ("declarations", NpgsqlDbType.Integer), ("last_declaration", NpgsqlDbType.Text),
            ("version", NpgsqlDbType.Bigint), ("recorded_at", NpgsqlDbType.TimestampTz), ("updated_on", NpgsqlDbType.Date), ("notes", NpgsqlDbType.Text));
        foreach (var (id, row) in folded)
            copy.Add(id, row.Trn, row.Status, row.LeadProvider, row.MentorId, row.SchoolUrn, row.Declarations, row.LastDeclaration,
                row.Version, row.RecordedAt, row.UpdatedOn, Notes);
        folded.Clear();
        return ValueTask.CompletedTask;
    }
}
