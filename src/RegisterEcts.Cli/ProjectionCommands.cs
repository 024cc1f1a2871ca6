using System.CommandLine;
using RegisterEcts.EventStore.Projections;
using Spectre.Console;

namespace RegisterEcts.Cli;

internal static class ProjectionCommands
{
    public static Command Create()
    {
        var status = new Command("status", "Each async projection: code version, stored version, position, lag, state.");
        status.SetAction(async (_, ct) =>
        {
            await using var store = CliStore.Open();
            var table = new Table().AddColumns("projection", "code version", "stored version", "position", "lag", "state", "error");
            foreach (var p in await new ProjectionDaemon(store).StatusAsync(ct))
                table.AddRow(p.Name, p.CodeVersion.ToString(), p.StoredVersion.ToString(), p.LastSequence.ToString(), p.Lag.ToString(), p.State, Markup.Escape(p.Error ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        var name = new Argument<string?>("name") { Description = "The projection to rebuild.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Rebuild every projection that owns tables." };
        var rebuild = new Command("rebuild", "Empty a projection's tables and replay every event into them (offline: its tables are locked meanwhile).") { name, all };
        rebuild.SetAction(async (parse, ct) =>
        {
            await using var store = CliStore.Open();
            var projections = store.InlineProjections.Concat(store.AsyncProjections).Where(p => p.Tables.Count > 0).ToList();
            var chosen = parse.GetValue(all) ? projections : projections.Where(p => p.Name == parse.GetValue(name)).ToList();
            if (chosen.Count == 0)
            {
                Console.Error.WriteLine($"rects: name a projection or pass --all. Rebuildable: {string.Join(", ", projections.Select(p => p.Name))}");
                return 2;
            }
            var rebuilder = new ProjectionRebuilder(store);
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    foreach (var projection in chosen)
                    {
                        var task = progress.AddTask(projection.Name);
                        await rebuilder.RebuildAsync(projection, new Progress<RebuildProgress>(p =>
                        {
                            task.MaxValue = p.Total;
                            task.Value = p.Done;
                            task.Description = $"{p.Projection} {p.Done:N0}/{p.Total:N0} ({p.EventsPerSecond:N0} events/s)";
                        }), ct);
                        task.StopTask();
                    }
                });
            return 0;
        });
        return new Command("projections", "Projection status and rebuilds.") { status, rebuild };
    }
}
