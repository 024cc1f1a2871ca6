using RegisterEcts.EventStore;

namespace RegisterEcts.Reference;

/// <summary>
/// Reference data lives in one well-known stream: it changes rarely, is read whole, and a single
/// stream gives seeding an expected version, so two seeders racing cannot both write.
/// </summary>
public static class ReferenceStream
{
    public const string StreamType = "reference";

    public static readonly Guid Id = new("00000000-0000-7000-8000-000000000001");

    public static async Task<(ReferenceData Data, long Version)> LoadAsync(PostgresEventStore store, CancellationToken ct = default)
    {
        var slice = await store.ReadStreamAsync(Id, ct: ct);
        return (ReferenceData.From(slice.Events.Select(e => e.Data)), slice.Version);
    }

    /// <summary>Appends whatever of <paramref name="events"/> is not already known. Returns how many were new.</summary>
    public static async Task<int> SeedAsync(PostgresEventStore store, IReadOnlyList<object> events, EventContext context, CancellationToken ct = default)
    {
        var result = await store.DecideAsync(Id, StreamType, ReferenceData.Empty, ReferenceData.Evolve,
            state => RegisterReferenceData.Decide(new RegisterReferenceData(events), state), context, ct);
        return result.Events.Count;
    }
}
