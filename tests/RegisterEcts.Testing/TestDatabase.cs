using System.Diagnostics;
using Npgsql;

namespace RegisterEcts.Testing;

/// <summary>
/// The real PostgreSQL every storage test runs against: the one build/test.sh exported, or, when a test
/// is run straight from an IDE, the embedded cluster that build/postgres.sh starts.
/// </summary>
public static class TestDatabase
{
    private static readonly Lazy<string> Connection = new(Resolve);

    public static string ConnectionString => Connection.Value;

    /// <summary>A fresh schema name, unique to one test class instance.</summary>
    public static string NewSchemaName(string owner)
    {
        var clean = new string(owner.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return $"t_{clean[..Math.Min(clean.Length, 40)]}_{Guid.NewGuid().ToString("N")[..8]}";
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string Resolve()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__RegisterEcts");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        var root = RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "build", "postgres.sh"), "start"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"build/postgres.sh start failed ({process.ExitCode}): {errors}");
        return output.Trim().Split('\n')[^1].Trim();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RegisterEcts.sln"))) return dir.FullName;
        throw new InvalidOperationException("Could not find the repository root (RegisterEcts.sln) above " + AppContext.BaseDirectory);
    }
}
