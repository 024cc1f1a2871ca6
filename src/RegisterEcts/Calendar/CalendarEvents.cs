using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.Calendar;

/// <summary>
/// The service's day changed. Statuses that move with the calendar (joining → active, leaving → left, the
/// current mentor) are recomputed when this is projected, so their api_updated_at is the time the day was
/// rolled over — a recorded fact a rebuild replays to the same value, not a clock read by a projection.
/// </summary>
public sealed record DayStarted(DateOnly Date);

public static class CalendarEvents
{
    public static EventTypeRegistry Register(EventTypeRegistry registry) => registry.Map<DayStarted>("calendar_day_started");
}

/// <summary>The one calendar stream.</summary>
public static class BusinessCalendar
{
    public const string StreamType = "calendar";

    public static readonly Guid StreamId = new("0195a0c0-0000-7000-8000-00000000ca1e");

    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>The date in England at an instant.</summary>
    public static DateOnly DateInEngland(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, London).DateTime);

    /// <summary>The last day rolled over, from the stream's events.</summary>
    public static DateOnly? Evolve(DateOnly? last, object @event) => @event is DayStarted d && (last is null || d.Date > last) ? d.Date : last;

    /// <summary>
    /// Days are rolled over once each, in order; a missed night is caught up day by day so every boundary on
    /// the way is applied. Rolling over a day already rolled over is a no-op.
    /// </summary>
    public static IReadOnlyList<object> RollOver(DateOnly? last, DateOnly date)
    {
        if (last is { } l && date <= l) return [];
        // A fresh store starts at the requested day; catching up is bounded so a wrong date cannot write years of days.
        var first = last is { } from && date.DayNumber - from.DayNumber <= 366 ? from.AddDays(1) : date;
        var days = new List<object>();
        for (var d = first; d <= date; d = d.AddDays(1)) days.Add(new DayStarted(d));
        return days;
    }
}

public static class RollOverDay
{
    /// <summary>Rolls the service over to a day (and any days missed before it); returns the days written.</summary>
    public static async Task<int> RunAsync(RegisterEcts.EventStore.PostgresEventStore store, DateOnly date, RegisterEcts.EventStore.EventContext context, CancellationToken ct)
    {
        var result = await RegisterEcts.EventStore.DecideExtensions.DecideAsync<DateOnly?>(
            store, BusinessCalendar.StreamId, BusinessCalendar.StreamType, null, BusinessCalendar.Evolve, last => BusinessCalendar.RollOver(last, date), context, ct);
        return result.Events.Count;
    }
}
