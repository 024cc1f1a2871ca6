using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RegisterEcts.EventStore;

/// <summary>The store's ActivitySource and Meter, both named <c>RegisterEcts.EventStore</c>.</summary>
public static class EventStoreTelemetry
{
    public const string Name = "RegisterEcts.EventStore";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Appends = Meter.CreateCounter<long>("es.appends", description: "Committed appends (transactions).");
    internal static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>("es.events.appended", description: "Events committed.");
    internal static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("es.conflicts", description: "Appends refused because a stream moved.");
    internal static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>("es.append.duration", "ms");
    internal static readonly Counter<long> ProjectedEvents = Meter.CreateCounter<long>("es.projection.events", description: "Events applied by async projections.");

    private static readonly Dictionary<string, long> Lags = [];

    static EventStoreTelemetry() =>
        Meter.CreateObservableGauge("es.projection.lag", ObserveLag, unit: "{event}", description: "Committed events an async projection has not applied yet.");

    internal static void RecordLag(string projection, long lag)
    {
        lock (Lags) Lags[projection] = lag;
    }

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        lock (Lags)
            return Lags.Select(l => new Measurement<long>(l.Value, new KeyValuePair<string, object?>("projection", l.Key))).ToList();
    }
}
