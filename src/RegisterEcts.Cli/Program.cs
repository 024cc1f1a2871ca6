using System.CommandLine;
using RegisterEcts.Cli;

var root = new RootCommand("rects: operate RegisterEcts (schema, projections, seed data, imports, tokens).")
{
    DbCommands.Create(),
    ProjectionCommands.Create(),
    SeedCommands.Create(),
    TokenCommands.Create(),
    ImportCommands.Create(),
    RollOverCommands.Create(),
    StatementCommands.Create(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is InvalidOperationException or Npgsql.NpgsqlException or FileNotFoundException or System.Text.Json.JsonException)
{
    // Operators need the reason, not a stack trace.
    Console.Error.WriteLine($"rects: {ex.Message}");
    return 1;
}
