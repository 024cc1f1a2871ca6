using System.CommandLine;

namespace RegisterEcts.Cli;

internal static class DbCommands
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Apply the schema scripts not applied yet (idempotent).");
        migrate.SetAction(async (_, ct) =>
        {
            await using var store = CliStore.Open();
            var applied = await store.MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0
                ? $"Schema '{store.Schema}' is up to date."
                : $"Applied {applied.Count} script(s) to '{store.Schema}': {string.Join(", ", applied)}");
            return 0;
        });
        return new Command("db", "Database schema.") { migrate };
    }
}
