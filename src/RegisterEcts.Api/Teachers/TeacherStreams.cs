using RegisterEcts.EventStore;
using RegisterEcts.Teachers;

namespace RegisterEcts.Api.Teachers;

/// <summary>A teacher stream as loaded: the state Decide sees and the version to append at.</summary>
internal sealed record LoadedTeacher(Guid Id, Teacher State, long Version);

/// <summary>
/// The one command path for teacher commands, which may write to several teachers' streams (mentor and
/// mentee): load → Decide → append every stream in one transaction, each loaded stream at the version read.
/// </summary>
internal static class TeacherStreams
{
    public static async Task<LoadedTeacher> LoadAsync(PostgresEventStore store, Guid id, CancellationToken ct)
    {
        var slice = await store.ReadStreamAsync(id, ct: ct);
        return new LoadedTeacher(id, slice.Events.Aggregate(Teacher.Initial, (s, e) => Teacher.Evolve(s, e.Data)), slice.Version);
    }

    /// <summary>Appends the decision and returns the first loaded teacher's new state.</summary>
    public static async Task<Teacher> AppendAsync(
        PostgresEventStore store, IReadOnlyList<StreamEvents> decision, EventContext context, CancellationToken ct, params LoadedTeacher[] loaded)
    {
        var subject = loaded[0];
        var streams = decision.Where(s => s.Events.Count > 0).ToList();
        if (streams.Count == 0) return subject.State;
        // Streams the decision did not read (a previous mentor's, say) only gain mirror events: any version will do.
        await store.AppendAsync(streams.Select(s => new StreamAppend(s.StreamId, Teacher.StreamType,
            loaded.FirstOrDefault(l => l.Id == s.StreamId) is { } l ? ExpectedVersion.Exactly(l.Version) : ExpectedVersion.Any, s.Events)).ToList(), context, ct);
        return streams.Where(s => s.StreamId == subject.Id).SelectMany(s => s.Events).Aggregate(subject.State, Teacher.Evolve);
    }

    public static Task<Teacher> AppendAsync(PostgresEventStore store, IReadOnlyList<object> events, EventContext context, CancellationToken ct, LoadedTeacher loaded) =>
        AppendAsync(store, [new StreamEvents(loaded.Id, events)], context, ct, loaded);
}
