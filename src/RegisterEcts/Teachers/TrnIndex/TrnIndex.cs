using Npgsql;
using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Projections;
using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.Teachers.TrnIndex;

/// teacher_trns: TRN → teacher, inline, so two registrations racing on one new TRN cannot both commit.
public sealed class TrnIndexProjection : IProjection
{
    public string Name => "teacher_trns";

    public IReadOnlyList<string> Tables => ["teacher_trns"];

    public ValueTask ApplyAsync(IReadOnlyList<RecordedEvent> events, ProjectionContext context, CancellationToken ct)
    {
        if (context.IsRebuild)
        {
            Rebuild(events, context);
            return ValueTask.CompletedTask;
        }
        foreach (var e in events)
        {
            switch (e.Data)
            {
                // Only the event that starts the stream claims the TRN; later registrations reuse the teacher.
                case TeacherRegisteredAsEct r when e.Version == 1:
                    context.Enqueue("INSERT INTO teacher_trns (trn, teacher_id, name) VALUES ($1, $2, $3)", r.Trn, r.TeacherId, r.Name);
                    break;
                case TeacherRegisteredAsMentor r when e.Version == 1:
                    context.Enqueue("INSERT INTO teacher_trns (trn, teacher_id, name) VALUES ($1, $2, $3)", r.Trn, r.TeacherId, r.Name);
                    break;
                case TeacherNameCorrected c:
                    context.Enqueue("UPDATE teacher_trns SET name = $2 WHERE teacher_id = $1", c.TeacherId, c.Name);
                    break;
                // The TRN stays (it identifies the record, as in the events); the name goes, as it does in the events.
                case TeacherPersonalDataErased x:
                    context.Enqueue("UPDATE teacher_trns SET name = $2 WHERE teacher_id = $1", x.TeacherId, PersonalData.Erased);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Rebuild only: the page's new rows, named as the page's later events leave them, go in one COPY; a name
    /// change to a row of an earlier page is the live UPDATE (the copies run before the page's statements).
    /// </summary>
    private static void Rebuild(IReadOnlyList<RecordedEvent> events, ProjectionContext context)
    {
        var added = new Dictionary<Guid, (string Trn, string Name)>();
        void Rename(Guid teacherId, string name)
        {
            if (added.TryGetValue(teacherId, out var row)) added[teacherId] = row with { Name = name };
            else context.Enqueue("UPDATE teacher_trns SET name = $2 WHERE teacher_id = $1", teacherId, name);
        }
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case TeacherRegisteredAsEct r when e.Version == 1:
                    // A teacher id claimed twice fails in the COPY as it would in the INSERT.
                    if (!added.TryAdd(r.TeacherId, (r.Trn, r.Name))) context.Copy("teacher_trns", Columns).Add(r.Trn, r.TeacherId, r.Name);
                    break;
                case TeacherRegisteredAsMentor r when e.Version == 1:
                    if (!added.TryAdd(r.TeacherId, (r.Trn, r.Name))) context.Copy("teacher_trns", Columns).Add(r.Trn, r.TeacherId, r.Name);
                    break;
                case TeacherNameCorrected c:
                    Rename(c.TeacherId, c.Name);
                    break;
                case TeacherPersonalDataErased x:
                    Rename(x.TeacherId, PersonalData.Erased);
                    break;
            }
        }
        foreach (var (teacherId, row) in added) context.Copy("teacher_trns", Columns).Add(row.Trn, teacherId, row.Name);
    }

    private static readonly (string, NpgsqlTypes.NpgsqlDbType)[] Columns =
        [("trn", NpgsqlTypes.NpgsqlDbType.Text), ("teacher_id", NpgsqlTypes.NpgsqlDbType.Uuid), ("name", NpgsqlTypes.NpgsqlDbType.Text)];

    public static async Task<Guid?> FindTeacherAsync(NpgsqlDataSource db, string trn, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT teacher_id FROM teacher_trns WHERE trn = $1");
        cmd.Parameters.Add(new() { Value = trn });
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }
}
