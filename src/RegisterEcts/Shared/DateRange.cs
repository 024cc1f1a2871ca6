namespace RegisterEcts.Shared;

/// Both ends inclusive, as in the reference service; an open end (null) means "until further notice".
public readonly record struct DateRange(DateOnly Start, DateOnly? End)
{
    public bool IsOpen => End is null;

    public bool Contains(DateOnly date) => Start <= date && (End is null || date <= End);

    public bool Overlaps(DateRange other) =>
        Start <= (other.End ?? DateOnly.MaxValue) && other.Start <= (End ?? DateOnly.MaxValue);

    /// Contains today or has not started yet: the periods a school can still act on.
    public bool IsCurrentOrFuture(DateOnly today) => End is null || End >= today;

    /// Still running on the given day or later (open, or finishing on or after it).
    public bool RunsOnOrAfter(DateOnly date) => End is null || End >= date;

    public DateRange FinishedOn(DateOnly date) => this with { End = date };
}

public static class Dates
{
    public static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    public static DateOnly? Min(DateOnly? a, DateOnly? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ => a < b ? a : b,
    };

    /// The way the reference service prints dates to people: "1 June 2024".
    public static string Govuk(DateOnly date) => date.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
