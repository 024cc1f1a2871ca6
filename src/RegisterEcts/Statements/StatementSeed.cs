using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RegisterEcts.Reference;

namespace RegisterEcts.Statements;

/// Turns samples/reference/statements.json into one StatementOpened per active lead provider, cohort and month.
/// Ids come from (lead provider, cohort, year, month), so seeding again finds the same streams.
public static class StatementSeed
{
    public static string DefaultPath(string repositoryRoot) => Path.Combine(repositoryRoot, "samples", "reference", "statements.json");

    public static IReadOnlyList<StatementOpened> Parse(string json, ReferenceData reference)
    {
        var file = JsonSerializer.Deserialize(json, StatementSeedJson.Default.StatementFile)
            ?? throw new InvalidDataException("Statements file is empty");
        if (file.PaymentDay is < 1 or > 28) throw new InvalidDataException("Statements: payment_day must be 1 to 28");
        var statements = new List<StatementOpened>();
        foreach (var cohort in file.Cohorts)
        {
            if (reference.FindContractPeriod(cohort.Year) is null)
                throw new InvalidDataException($"Statements: cohort {cohort.Year} is not a contract period in the reference data");
            var first = Month(cohort.FirstMonth, cohort.Year);
            var last = Month(cohort.LastMonth, cohort.Year);
            if (last < first) throw new InvalidDataException($"Statements: cohort {cohort.Year}: last_month is before first_month");
            var leadProviders = reference.ActiveLeadProviders.Where(a => a.Year == cohort.Year).Select(a => a.LeadProviderId).Order().ToList();
            foreach (var lp in leadProviders)
                for (var month = first; month <= last; month = month.AddMonths(1))
                    statements.Add(new StatementOpened(Statement.IdFor(lp, cohort.Year, month.Year, month.Month), lp, cohort.Year, month.Year, month.Month,
                        month.AddMonths(1).AddDays(-1), month.AddMonths(1).AddDays(file.PaymentDay - 1), Statement.FeeTypeFor(month.Month)));
        }
        return statements;
    }

    private static DateOnly Month(string value, int year) =>
        DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : throw new InvalidDataException($"Statements: cohort {year}: '{value}' is not a month (yyyy-MM)");
}

internal sealed record StatementFile(int PaymentDay, IReadOnlyList<StatementCohortEntry> Cohorts, string? Comment = null);

internal sealed record StatementCohortEntry(int Year, string FirstMonth, string LastMonth);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(StatementFile))]
internal sealed partial class StatementSeedJson : JsonSerializerContext;
