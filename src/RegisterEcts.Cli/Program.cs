using System.CommandLine;
using RegisterEcts.Cli;

var root = new RootCommand("rects: operate RegisterEcts (schema, projections, seed data, imports, tokens).")
{
    DbCommands.Create(),
    ProjectionCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
