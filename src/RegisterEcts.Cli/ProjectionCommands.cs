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
        return new Command("projections", "Projection status and rebuilds.") { status };
    }
}
