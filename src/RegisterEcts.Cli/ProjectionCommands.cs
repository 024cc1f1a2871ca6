using System.CommandLine;
using RegisterEcts.EventStore.Projections;
using Spectre.Console;

namespace RegisterEcts.Cli;

internal static class ProjectionCommands
{
    public static Command Create()
    {
        var status = new Command("status", "Each projection: code version, stored version, position, lag, state.");
        status.SetAction(async (_, ct) =>
        {
            await using var store = CliStore.Open();
            var table = new Table().AddColumns("projection", "kind", "code version", "stored version", "position", "lag", "state", "error");
            foreach (var p in await ProjectionVersions.InlineAsync(store, ct))
                table.AddRow(p.Name, "inline", p.CodeVersion.ToString(), p.StoredVersion?.ToString() ?? "-", "every append", "0",
                    p.Stale ? $"[red]stale: rects projections rebuild {p.Name} --blue-green[/]" : "current", "");
            foreach (var p in await new ProjectionDaemon(store).StatusAsync(ct))
                table.AddRow(p.Name, "async", p.CodeVersion.ToString(), p.StoredVersion.ToString(), p.LastSequence.ToString(), p.Lag.ToString(), p.State, Markup.Escape(p.Error ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        var name = new Argument<string[]>("name") { Description = "The projections to rebuild.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Rebuild every projection that owns tables." };
        var blueGreen = new Option<bool>("--blue-green") { Description = "Build the new tables beside the live ones while appends continue, then switch (appends pause under a second)." };
        var rebuild = new Command("rebuild", "Replay every event into a projection's tables: offline (tables locked, truncated, refilled) or --blue-green.") { name, all, blueGreen };
        rebuild.SetAction(async (parse, ct) =>
        {
            await using var store = CliStore.Open();
            var projections = store.InlineProjections.Concat(store.AsyncProjections).Where(p => p.Tables.Count > 0).ToList();
            var chosen = parse.GetValue(all) ? projections : projections.Where(p => (parse.GetValue(name) ?? []).Contains(p.Name)).ToList();
            if (chosen.Count == 0)
            {
                Console.Error.WriteLine($"rects: name a projection or pass --all. Rebuildable: {string.Join(", ", projections.Select(p => p.Name))}");
                return 2;
            }
            // One pass over the log per kind: inline and async projections replay different sets of events.
            var groups = chosen.GroupBy(p => store.AsyncProjections.Contains(p)).Select(g => g.ToList()).ToList();
            var useBlueGreen = parse.GetValue(blueGreen);
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    foreach (var group in groups)
                    {
                        var task = progress.AddTask(string.Join(", ", group.Select(p => p.Name)));
                        var report = new Progress<RebuildProgress>(p =>
                        {
                            task.MaxValue = Math.Max(p.Total, 1);
                            task.Value = p.Done;
                            task.Description = $"{p.Projection} {p.Done:N0}/{p.Total:N0} events ({p.EventsPerSecond:N0} events/s)";
                        });
                        if (useBlueGreen)
                        {
                            var result = await new BlueGreenRebuilder(store).RebuildAsync(group, report, ct);
                            task.Description += $", appends paused {result.AppendsPaused.TotalMilliseconds:N0} ms at the switch";
                        }
                        else
                        {
                            await new ProjectionRebuilder(store).RebuildAsync(group, report, ct);
                        }
                        task.StopTask();
                    }
                });
            return 0;
        });
        return new Command("projections", "Projection status and rebuilds.") { status, rebuild };
    }
}
