using System.CommandLine;
using RegisterEcts.Calendar;
using RegisterEcts.EventStore;

namespace RegisterEcts.Cli;

internal static class RollOverCommands
{
    public static Command Create()
    {
        var date = new Option<DateOnly?>("--date") { Description = "The day to roll over to (default: today in England)." };
        var command = new Command("rollover", "Apply the calendar: statuses that change on a day (joining → active, leaving → left, the current mentor) are recomputed for the rows due.") { date };
        command.SetAction(async (parse, ct) =>
        {
            var day = parse.GetValue(date) ?? BusinessCalendar.DateInEngland(TimeProvider.System.GetUtcNow());
            await using var store = CliStore.Open();
            var written = await RollOverDay.RunAsync(store, day, new EventContext(Actor.System("rects rollover")), ct);
            Console.WriteLine(written == 0 ? $"Already rolled over to {day:yyyy-MM-dd}." : $"Rolled over {written} day(s) to {day:yyyy-MM-dd}.");
            return 0;
        });
        return command;
    }
}
