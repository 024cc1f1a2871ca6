using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.EventStore.Tests;

/// <summary>A small read table folded from each teacher stream, used by the projection tests.</summary>
public sealed class TeacherStatusProjection(string name = "teacher_status") : IProjection
{
    public const string Table = """
        CREATE TABLE IF NOT EXISTS teacher_status (
            teacher_id   uuid PRIMARY KEY,
            name         text,
            status       text NOT NULL,
            version      bigint NOT NULL,
            last_seq     bigint NOT NULL,
            versions     bigint[] NOT NULL
        )
        """;

    public string Name => name;

    public IReadOnlyList<string> Tables => ["teacher_status"];

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var (status, personName) = e.Data switch
            {
                TeacherRegistered r => ("registered", r.Name),
                TrainingStarted => ("training", null),
                MentorAssigned => ("training", null),
                Deferred => ("deferred", null),
                Resumed => ("training", null),
                _ => ("unknown", (string?)null),
            };
            // versions records every version applied, in the order applied, so tests can prove nothing
            // was skipped, doubled or reordered.
            context.Enqueue(
                """
                INSERT INTO teacher_status (teacher_id, name, status, version, last_seq, versions) VALUES ($1, $2, $3, $4, $5, ARRAY[$4])
                ON CONFLICT (teacher_id) DO UPDATE SET name = coalesce(excluded.name, teacher_status.name), status = excluded.status,
                    version = excluded.version, last_seq = excluded.last_seq, versions = teacher_status.versions || excluded.version
                """,
                e.StreamId, personName, status, e.Version, e.Sequence);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Fails on purpose, to show that a failing projection takes the append down with it.</summary>
public sealed class FailingProjection(Func<RecordedEvent, bool> failOn) : IProjection
{
    public string Name => "failing";

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct) =>
        events.Any(failOn) ? throw new InvalidOperationException("projection failed on purpose") : ValueTask.CompletedTask;
}
