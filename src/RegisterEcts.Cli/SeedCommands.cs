using System.CommandLine;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;

namespace RegisterEcts.Cli;

internal static class SeedCommands
{
    public static Command Create()
    {
        var file = new Option<FileInfo?>("--file") { Description = "Reference data JSON (default: samples/reference/reference-data.json)." };
        var reference = new Command("reference", "Load lead providers, delivery partners, contract periods, schedules and appropriate bodies. Re-runnable: known facts are not written again.") { file };
        reference.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)?.FullName ?? ReferenceSeed.DefaultPath(Repository.Root());
            var events = ReferenceSeed.Parse(await File.ReadAllTextAsync(path, ct));
            await using var store = CliStore.Open();
            var written = await ReferenceStream.SeedAsync(store, events, new EventContext(Actor.System("rects seed reference")), ct);
            Console.WriteLine($"Reference data from {path}: {written} new fact(s), {events.Count - written} already known.");
            return 0;
        });
        return new Command("seed", "Load sample and reference data.") { reference };
    }
}
