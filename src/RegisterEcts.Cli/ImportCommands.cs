using System.CommandLine;
using RegisterEcts.EventStore;
using RegisterEcts.Schools;
using RegisterEcts.Schools.SchoolDirectory;

namespace RegisterEcts.Cli;

internal static class ImportCommands
{
    public static Command Create()
    {
        var schools = new Option<FileInfo>("--schools") { Description = "GIAS establishments CSV.", Required = true };
        var links = new Option<FileInfo>("--links") { Description = "GIAS links CSV.", Required = true };
        var gias = new Command("gias", "Open, rename, academise (URN change), merge and close schools from a GIAS extract. Re-runnable: a second run writes nothing.") { schools, links };
        gias.SetAction(async (parse, ct) =>
        {
            using var schoolsCsv = parse.GetValue(schools)!.OpenText();
            using var linksCsv = parse.GetValue(links)!.OpenText();
            var data = GiasExtract.Parse(schoolsCsv, linksCsv);
            await using var store = CliStore.Open();
            var result = await GiasImport.RunAsync(store, data, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime),
                new EventContext(Actor.System("rects import gias")), ct);
            Console.WriteLine($"GIAS: {data.Schools.Count} school(s), {result.Commands} command(s), {result.EventsWritten} event(s) written.");
            foreach (var review in result.NeedsReview) Console.WriteLine($"  needs review: URN {review.Urn}: {review.Reason}");
            foreach (var refusal in result.Refused) Console.WriteLine($"  refused: {refusal}");
            return 0;
        });
        return new Command("import", "Import data from other systems.") { gias };
    }
}
