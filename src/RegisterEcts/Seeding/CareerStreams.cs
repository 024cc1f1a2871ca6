using RegisterEcts.Declarations;
using RegisterEcts.EventStore;
using RegisterEcts.Partnerships;
using RegisterEcts.Schools;
using RegisterEcts.Statements;
using RegisterEcts.Teachers;

namespace RegisterEcts.Seeding;

/// <summary>
/// Where the career seed loads a stream's state and writes a command's events. Two implementations make the
/// same decisions from the same states: <see cref="StoreCareerStreams"/> is the command path (read the stream,
/// append at the version read, inline projections and all); <see cref="BulkCareerStreams"/> keeps states in
/// memory and writes the events with COPY, for data sets too large to seed one command at a time.
/// </summary>
internal interface ICareerStreams
{
    Task<(T State, long Version)> LoadAsync<T>(Guid id, CancellationToken ct);

    /// A stream the seed is about to start under a new id: the bulk path need not read it first.
    void Create(Guid id, Type state);

    Task AppendAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct);
}

/// <summary>How each stream type the seed touches folds.</summary>
internal static class CareerStreamTypes
{
    private static readonly Dictionary<Type, (object? Initial, Func<object?, object, object?> Evolve)> ByState = new()
    {
        [typeof(Teacher)] = (Teacher.Initial, (s, e) => Teacher.Evolve((Teacher)s!, e)),
        [typeof(School)] = (School.Initial, (s, e) => School.Evolve((School)s!, e)),
        [typeof(SchoolPartnership)] = (SchoolPartnership.Initial, (s, e) => SchoolPartnership.Evolve((SchoolPartnership?)s, e)),
        [typeof(Declaration)] = (Declaration.Initial, (s, e) => Declaration.Evolve((Declaration)s!, e)),
        [typeof(Statement)] = (Statement.Initial, (s, e) => Statement.Evolve((Statement)s!, e)),
    };

    private static readonly Dictionary<string, Type> ByStreamType = new()
    {
        [Teacher.StreamType] = typeof(Teacher),
        [School.StreamType] = typeof(School),
        [SchoolPartnership.StreamType] = typeof(SchoolPartnership),
        [Declaration.StreamType] = typeof(Declaration),
        [Statement.StreamType] = typeof(Statement),
    };

    public static object? Initial(Type state) => ByState[state].Initial;

    public static object? Fold(Type state, object? current, IEnumerable<object> events) =>
        events.Aggregate(current, (s, e) => ByState[state].Evolve(s, e));

    public static Type StateOf(string streamType) => ByStreamType[streamType];
}

/// <summary>The command path: every load reads the stream, every append goes through the store.</summary>
internal sealed class StoreCareerStreams(PostgresEventStore store, EventContext context) : ICareerStreams
{
    public async Task<(T State, long Version)> LoadAsync<T>(Guid id, CancellationToken ct)
    {
        var slice = await store.ReadStreamAsync(id, ct: ct);
        return ((T)CareerStreamTypes.Fold(typeof(T), CareerStreamTypes.Initial(typeof(T)), slice.Events.Select(e => e.Data))!, slice.Version);
    }

    /// The command path reads every stream it loads, new or not, as the API does.
    public void Create(Guid id, Type state) { }

    public Task AppendAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct) => store.AppendAsync(appends, context, ct);
}

/// <summary>
/// The bulk path: states and versions in memory (a stream written before the seed, such as a school or a
/// statement, is read once), expected versions checked exactly as the store checks them, and the appends
/// queued in order until <see cref="FlushAsync"/> writes them with COPY. No inline projection runs: the
/// caller rebuilds them afterwards, which replays the same events in the same order.
/// </summary>
internal sealed class BulkCareerStreams(PostgresEventStore store, EventContext context) : ICareerStreams
{
    private sealed class Entry(object? state, long version)
    {
        public object? State = state;
        public long Version = version;
    }

    private readonly Dictionary<Guid, Entry> _streams = [];
    private readonly List<StreamAppend> _queued = [];

    public long Written { get; private set; }

    public int Queued => _queued.Count;

    public async Task<(T State, long Version)> LoadAsync<T>(Guid id, CancellationToken ct)
    {
        var entry = await EntryAsync(id, typeof(T), ct);
        return ((T)entry.State!, entry.Version);
    }

    public async Task AppendAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct)
    {
        var entries = new List<Entry>();
        foreach (var append in appends)
        {
            var entry = await EntryAsync(append.StreamId, CareerStreamTypes.StateOf(append.StreamType), ct);
            if (append.Expected != ExpectedVersion.Any && append.Expected != ExpectedVersion.Exactly(entry.Version))
                throw new StreamConflictException(append.StreamId, append.Expected, entry.Version);
            entries.Add(entry);
        }
        for (var i = 0; i < appends.Count; i++)
        {
            // Queued with the version it was checked at, so the import checks the same chain again.
            _queued.Add(appends[i] with { Expected = ExpectedVersion.Exactly(entries[i].Version) });
            entries[i].State = CareerStreamTypes.Fold(CareerStreamTypes.StateOf(appends[i].StreamType), entries[i].State, appends[i].Events);
            entries[i].Version += appends[i].Events.Count;
        }
    }

    /// Writes the queued appends, in the order they were made, in one transaction.
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_queued.Count == 0) return;
        Written += await store.ImportAsync(_queued, context, ct);
        _queued.Clear();
    }

    /// Forgets the teachers' states (after a flush): a career is seeded in one go, so they are not needed again.
    public void ForgetTeachers(IEnumerable<Guid> ids)
    {
        foreach (var id in ids) _streams.Remove(id);
    }

    /// A stream the seed creates (its id is new) starts empty without a read: the import checks that it did not exist.
    public void Create(Guid id, Type state) => _streams.TryAdd(id, new Entry(CareerStreamTypes.Initial(state), 0));

    private async Task<Entry> EntryAsync(Guid id, Type state, CancellationToken ct)
    {
        if (_streams.TryGetValue(id, out var entry)) return entry;
        var slice = await store.ReadStreamAsync(id, ct: ct);
        entry = new Entry(CareerStreamTypes.Fold(state, CareerStreamTypes.Initial(state), slice.Events.Select(e => e.Data)), slice.Version);
        _streams[id] = entry;
        return entry;
    }
}
