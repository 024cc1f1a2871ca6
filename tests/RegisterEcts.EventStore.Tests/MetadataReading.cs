using System.Text;
using System.Text.Json;
using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.EventStore.Tests;

/// <summary>Metadata is read by a direct reader for the shape the store writes; it must agree with the serialiser on every document.</summary>
public class when_event_metadata_is_read
{
    public static TheoryData<string> Documents() =>
    [
        // As the store writes it, and as PostgreSQL's jsonb hands it back (keys reordered, absent values as null).
        """{"actor": {"id": "rects seed careers", "type": "system", "display_name": "rects seed careers"}, "correlation_id": "01a2"}""",
        """{"actor": {"id": "1", "type": "support", "display_name": "Sam Support"}, "reason": null, "causation_id": null, "correlation_id": "c", "support_ticket": null}""",
        """{"correlation_id": "c", "reason": "Moved \"school\" — é 😀\n", "support_ticket": "TICKET-1", "causation_id": "req-9", "actor": {"display_name": "Oak", "type": "school", "id": "100001"}}""",
        """{"actor":{"id":"\u0041","type":"lead_provider","display_name":"\u00e9"},"correlation_id":"x"}""",
        // Other shapes: the serialiser's rules decide (case-insensitive names, unknown properties ignored, its errors).
        """{"Actor": {"Id": "a", "Type": "system", "DisplayName": "a"}, "CorrelationId": "c"}""",
        """{"actor": {"id": "a", "type": "system", "display_name": "a", "email": "x@example.com"}, "correlation_id": "c", "extra": [1, {"a": 2}]}""",
        """{"actor": {"id": "a", "type": "system", "display_name": "a"}, "correlation_id": "c", "reason": 5}""",
        """{"actor": {"id": null, "type": "system", "display_name": "a"}, "correlation_id": "c"}""",
        """{"actor": {"id": "a", "type": "system", "display_name": "a"}}""",
        """{"actor": {"id": "a", "type": "system", "display_name": "a"}, "correlation_id": null}""",
        """{"actor": {"id": "a", "type": "system", "display_name": "a"}, "correlation_id": "c"} trailing""",
        """{"actor": "someone", "correlation_id": "c"}""",
        """null""",
        """[]""",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void the_direct_reader_and_the_serialiser_agree(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        object expected;
        try { expected = JsonSerializer.Deserialize<EventMetadata>(utf8, EventTypeRegistry.JsonOptions) ?? (object)"null"; }
        catch (JsonException e) { expected = e.GetType(); }

        object actual;
        try { actual = EventMetadata.FromJson(utf8); }
        catch (JsonException e) { actual = e.GetType(); }

        actual.ShouldBe(expected is "null" ? typeof(JsonException) : expected);
    }

    [Fact]
    public void the_shape_the_store_writes_is_read_in_full()
    {
        var metadata = new EventMetadata(new Actor("school", "100001", "Oak Academy"), "corr", "cause", "Because \"reasons\"", "T-1");
        var json = JsonSerializer.SerializeToUtf8Bytes(metadata, EventTypeRegistry.JsonOptions);

        EventMetadata.FromJson(json).ShouldBe(metadata);
    }
}
