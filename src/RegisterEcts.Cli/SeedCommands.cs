using System.CommandLine;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Seeding;
using Spectre.Console;

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
        var teachers = new Option<int>("--teachers") { Description = "How many teachers' careers to create.", DefaultValueFactory = _ => 1_000 };
        var seed = new Option<int>("--seed") { Description = "The random seed: the same seed gives the same careers.", DefaultValueFactory = _ => 1 };
        var from = new Option<int>("--from") { Description = "Number of the first teacher (continue an earlier run with --from N).", DefaultValueFactory = _ => 0 };
        var bulk = new Option<bool>("--bulk")
        {
            Description = "Make the same decisions in memory, write the events with COPY and rebuild every read table (for large data sets; stop the API meanwhile).",
        };
        var careers = new Command("careers", "Create realistic teacher careers through the real command path (needs reference data, statements and schools).") { teachers, seed, from, bulk };
        careers.SetAction(async (parse, ct) =>
        {
            await using var store = CliStore.Open();
            var count = parse.GetValue(teachers);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            if (parse.GetValue(bulk))
            {
                var loaded = await new CareerSeed(store, new EventContext(Actor.System("rects seed careers")))
                    .BulkLoadAsync(count, parse.GetValue(seed), new Progress<string>(Console.WriteLine), ct, parse.GetValue(from));
                Console.WriteLine($"{loaded.Teachers:N0} teachers, {loaded.Commands:N0} commands ({loaded.Refused:N0} refused by the rules), {loaded.Events:N0} events in {watch.Elapsed.TotalSeconds:N0} s.");
                Console.WriteLine($"refused: {loaded.Refusals}");
                return 0;
            }
            CareerSeedResult? result = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("careers", maxValue: count);
                    result = await new CareerSeed(store, new EventContext(Actor.System("rects seed careers")))
                        .RunAsync(count, parse.GetValue(seed), parse.GetValue(from), new Progress<int>(done => task.Value = done), ct);
                });
            Console.WriteLine($"{result!.Teachers:N0} teachers, {result.Commands:N0} commands ({result.Refused:N0} refused by the rules) in {watch.Elapsed.TotalSeconds:N0} s.");
            Console.WriteLine($"refused: {result.Refusals}");
            return 0;
        });
        return new Command("seed", "Load sample and reference data.") { reference, careers };
    }
}
