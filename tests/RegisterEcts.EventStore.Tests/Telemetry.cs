using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using static RegisterEcts.EventStore.Tests.TestEvents;

namespace RegisterEcts.EventStore.Tests;

public class when_the_store_is_observed(TestStoreFixture fixture) : IClassFixture<TestStoreFixture>
{
    [Fact]
    public async Task appends_and_reads_emit_spans_and_appends_and_conflicts_are_counted()
    {
        var spans = new ConcurrentBag<string>();
        var measurements = new ConcurrentDictionary<string, long>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == EventStoreTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => spans.Add(a.OperationName),
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) => { if (instrument.Meter.Name == EventStoreTelemetry.Name) listener.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        meters.Start();

        var id = Guid.CreateVersion7();
        await fixture.Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Registered(id), Training(id)], Context);
        await Should.ThrowAsync<StreamConflictException>(() => fixture.Store.AppendAsync(id, "teacher", ExpectedVersion.NoStream, [Training(id)], Context));
        await fixture.Store.ReadStreamAsync(id);

        spans.ShouldContain("es.append");
        spans.ShouldContain("es.read_stream");
        measurements.GetValueOrDefault("es.appends").ShouldBeGreaterThanOrEqualTo(1);
        measurements.GetValueOrDefault("es.events.appended").ShouldBeGreaterThanOrEqualTo(2);
        measurements.GetValueOrDefault("es.conflicts").ShouldBeGreaterThanOrEqualTo(1);
    }
}
