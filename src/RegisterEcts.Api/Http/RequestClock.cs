using System.Globalization;

namespace RegisterEcts.Api.Http;

/// <summary>
/// The request's "today" and "now": the server's clock, or outside Production the X-With-Server-Date
/// header, so a test can script a teacher's career over months. Nothing else reads the clock.
/// </summary>
public sealed class RequestClock
{
    public const string Header = "X-With-Server-Date";

    private static readonly TimeZoneInfo England = FindEngland();

    public RequestClock(IHttpContextAccessor accessor, TimeProvider time, IHostEnvironment environment)
    {
        Now = time.GetUtcNow();
        var header = accessor.HttpContext?.Request.Headers[Header].ToString();
        if (!environment.IsProduction() && !string.IsNullOrWhiteSpace(header))
        {
            if (DateOnly.TryParseExact(header, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                Today = date;
                Now = new DateTimeOffset(date.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
                return;
            }
            if (DateTimeOffset.TryParse(header, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                Now = instant;
            else
                throw new BadHttpRequestException($"{Header} must be an ISO 8601 date or date-time, not '{header}'.");
        }
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, England).DateTime);
    }

    public DateTimeOffset Now { get; }

    /// <summary>The date in England, where every business date of the service is.</summary>
    public DateOnly Today { get; }

    private static TimeZoneInfo FindEngland()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/London"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }
}
