namespace RegisterEcts.Cli;

internal static class Repository
{
    /// <summary>The checkout the CLI runs from, for the default paths of samples/.</summary>
    public static string Root()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RegisterEcts.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run rects inside the RegisterEcts checkout, or pass the file explicitly.");
    }
}
