using System.CommandLine;
using RegisterEcts.Access;

namespace RegisterEcts.Cli;

internal static class TokenCommands
{
    public static Command Create()
    {
        var scope = new Option<string>("--scope") { Description = "school:URN, appropriate-body:ID, lead-provider:ID, support or admin.", Required = true };
        var create = new Command("create", "Create an API token and print it (only the token, so scripts can capture it). Only its hash is stored.") { scope };
        create.SetAction(async (parse, ct) =>
        {
            var value = parse.GetValue(scope)!;
            if (!ApiTokens.IsValidScope(value))
            {
                await Console.Error.WriteLineAsync($"'{value}' is not a scope: use school:URN, appropriate-body:ID, lead-provider:ID, support or admin.");
                return 2;
            }
            await using var store = CliStore.Open();
            Console.WriteLine(await ApiTokens.CreateAsync(store.DataSource, value, ct));
            return 0;
        });
        return new Command("tokens", "API bearer tokens.") { create };
    }
}
