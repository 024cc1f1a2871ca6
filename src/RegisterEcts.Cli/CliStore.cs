using RegisterEcts.EventStore;

namespace RegisterEcts.Cli;

/// <summary>The store the CLI works on: the same connection string and schema settings as the API.</summary>
internal static class CliStore
{
    public static PostgresEventStore Open()
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__RegisterEcts");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("ConnectionStrings__RegisterEcts is not set. Run `build/postgres.sh start` and export the string it prints.");
        return RegisterEctsStore.Create(connectionString, Environment.GetEnvironmentVariable("RegisterEcts__Schema"));
    }
}
