using RegisterEcts.EventStore.Projections;

namespace RegisterEcts.EventStore.Tests;

/// <summary>
/// A rebuild's closing copy sends a fold's rows in an order that follows no key, so the GiST indexes of the exclusion constraints
/// are not built from keys in order (ids made from the clock come out of a fold sorted). The order must still be the same every time.
/// </summary>
public class when_a_closing_copy_scatters_its_rows
{
    private static readonly List<Guid> InTimeOrder = Enumerable.Range(0, 1_000)
        .Select(i => Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddDays(20_000).AddMilliseconds(i))).ToList();

    [Fact]
    public void every_item_is_sent_once()
    {
        CopyRows.Scattered(InTimeOrder).Order().ShouldBe(InTimeOrder.Order());
    }

    [Fact]
    public void the_items_no_longer_follow_their_keys()
    {
        static int Ascents(List<Guid> ids) => ids.Zip(ids.Skip(1)).Count(pair => pair.First.CompareTo(pair.Second) < 0);
        Ascents(InTimeOrder).ShouldBe(999);

        // A shuffle makes about half the steps descents.
        Ascents(CopyRows.Scattered(InTimeOrder)).ShouldBeInRange(400, 600);
    }

    [Fact]
    public void every_rebuild_sends_them_in_the_same_order()
    {
        CopyRows.Scattered(InTimeOrder).ShouldBe(CopyRows.Scattered(InTimeOrder));
    }
}
