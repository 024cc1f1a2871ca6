using System.CommandLine;
using RegisterEcts.EventStore;
using RegisterEcts.Reference;
using RegisterEcts.Shared;
using RegisterEcts.Statements;

namespace RegisterEcts.Cli;

internal static class StatementCommands
{
    public static Command Create()
    {
        var file = new Option<FileInfo?>("--file") { Description = "Statements JSON (default: samples/reference/statements.json)." };
        var seed = new Command("seed", "Open the monthly statements of every active lead provider and cohort (after `seed reference`). Re-runnable.") { file };
        seed.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)?.FullName ?? StatementSeed.DefaultPath(Repository.Root());
            await using var store = CliStore.Open();
            var (reference, _) = await ReferenceStream.LoadAsync(store, ct);
            var statements = StatementSeed.Parse(await File.ReadAllTextAsync(path, ct), reference);
            var opened = await StatementStreams.OpenAsync(store, statements, new EventContext(Actor.System("rects statements seed")), ct);
            Console.WriteLine($"Statements from {path}: {opened} opened, {statements.Count - opened} already open.");
            return 0;
        });

        var date = new Option<DateOnly>("--date") { Description = "Today, for the job (yyyy-MM-dd).", Required = true };
        var payable = new Command("payable", "Daily job: open statements whose cut-off date has passed become payable, with their eligible declarations.") { date };
        payable.SetAction(async (parse, ct) =>
        {
            await using var store = CliStore.Open();
            var marked = await StatementStreams.MarkPayableAsync(store, parse.GetValue(date), new EventContext(Actor.System("rects statements payable")), ct);
            Console.WriteLine($"{marked.Count} statement(s) marked payable.");
            return 0;
        });

        var statement = new Option<Guid>("--statement") { Description = "The statement id.", Required = true };
        var on = new Option<DateOnly?>("--date") { Description = "Today (default: the current UTC date)." };
        var authorise = new Command("authorise", "Authorise a payable statement for payment: its payable declarations are paid, its clawbacks clawed back.") { statement, on };
        authorise.SetAction(async (parse, ct) =>
        {
            await using var store = CliStore.Open();
            var today = parse.GetValue(on) ?? DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
            try
            {
                var moved = await StatementStreams.AuthoriseAsync(store, parse.GetValue(statement), today, new EventContext(Actor.System("rects statements authorise")), ct);
                Console.WriteLine($"Statement {parse.GetValue(statement)} paid: {moved} declaration(s) paid or clawed back.");
                return 0;
            }
            catch (RuleViolation v)
            {
                Console.Error.WriteLine($"rects: {v.Message}");
                return 1;
            }
        });
        return new Command("statements", "Lead providers' payment statements.") { seed, payable, authorise };
    }
}
