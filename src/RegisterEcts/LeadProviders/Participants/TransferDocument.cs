using System.Security.Cryptography;
using System.Text.Json;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.LeadProviders.Participants;

/// <summary>The v3 participant-transfer attributes one provider sees (rect-api-v3.md §3.7), without updated_at.</summary>
public sealed record TransferDocument(IReadOnlyList<Transfer> Transfers);

public sealed record Transfer(Guid TrainingRecordId, string TransferType, string Status, DateTimeOffset CreatedAt, TransferEnd Leaving, TransferEnd? Joining);

public sealed record TransferEnd(string? SchoolUrn, string? Provider, DateOnly? Date);

/// <summary>A provider's document (UTF-8 JSON) kept in a table of (provider, teacher) rows: transfers, unfunded mentors.</summary>
public sealed record DocumentView(Guid LeadProviderId, byte[] Json, byte[] Hash, DateOnly? NextChangeOn, Guid[] SchoolIds);

public static class ParticipantTransfers
{
    /// <summary>
    /// Every provider's transfers of this teacher as of a date: an at-school period that finished, with its
    /// training finished, followed by a period at another school (or by none, unless the ECT completed
    /// induction), listed for the leaving and the joining provider.
    /// </summary>
    public static IReadOnlyList<DocumentView> Build(ParticipantHistory history, DateOnly asOf, IParticipantLookups lookups)
    {
        var teacher = history.Teacher;
        if (!teacher.Exists || teacher.MergedInto is not null) return [];
        var completedInduction = teacher.InductionPeriods.Any(p => p.Outcome is not null);
        var found = new List<(Guid? Leaving, Guid? Joining, DateOnly Order, Transfer Transfer, List<DateOnly> Boundaries, Guid[] Schools)>();
        foreach (var role in new[] { TeacherRole.Ect, TeacherRole.Mentor })
        {
            var periods = role == TeacherRole.Ect
                ? teacher.EctPeriods.Select(p => (p.Id, p.SchoolId, p.Dates)).ToList()
                : teacher.MentorPeriods.Select(p => (p.Id, p.SchoolId, p.Dates)).ToList();
            periods.Sort((a, b) => a.Dates.Start.CompareTo(b.Dates.Start));
            for (var i = 0; i < periods.Count; i++)
            {
                var (id, schoolId, dates) = periods[i];
                (int Id, Guid SchoolId, DateRange Dates)? next = i + 1 < periods.Count ? periods[i + 1] : null;
                if (dates.End is null) continue;
                var leaving = teacher.TrainingIn(role, id).MaxBy(t => t.Dates.Start);
                if (leaving is null || leaving.Dates.End is null) continue;
                if (next is { } n && n.SchoolId == schoolId) continue;
                if (next is null && role == TeacherRole.Ect && completedInduction) continue;
                var joining = next is { } j ? teacher.TrainingIn(role, j.Id).MinBy(t => t.Dates.Start) : null;
                var leavingProvider = leaving.ProviderLed?.LeadProviderId;
                var joiningProvider = joining?.ProviderLed?.LeadProviderId;
                var type = joining is null ? "unknown" : leavingProvider != joiningProvider ? "new_provider" : "new_school";
                var status = leaving.Dates.End > asOf || joining?.Dates.Start > asOf ? "incomplete" : "complete";
                var boundaries = new List<DateOnly> { leaving.Dates.End.Value };
                if (joining is not null) boundaries.Add(joining.Dates.Start);
                var transfer = new Transfer(
                    history.TrainingRecordId(role), type, status,
                    history.TrainingCreatedAt.GetValueOrDefault(leaving.Id),
                    new TransferEnd(Urn(lookups, leaving.SchoolId), Name(lookups, leavingProvider), leaving.Dates.End),
                    next is { } joined ? new TransferEnd(Urn(lookups, joined.SchoolId), Name(lookups, joiningProvider), joining?.Dates.Start) : null);
                Guid[] schools = next is { } other ? [leaving.SchoolId, other.SchoolId] : [leaving.SchoolId];
                found.Add((leavingProvider, joiningProvider, leaving.Dates.Start, transfer, boundaries, schools));
            }
        }

        var views = new List<DocumentView>();
        foreach (var provider in found.SelectMany(f => new[] { f.Leaving, f.Joining }).OfType<Guid>().Distinct().Order())
        {
            var mine = found.Where(f => f.Leaving == provider || f.Joining == provider).OrderBy(f => f.Order).ToList();
            var json = JsonSerializer.SerializeToUtf8Bytes(new TransferDocument([.. mine.Select(f => f.Transfer)]), ParticipantDocuments.Json);
            views.Add(new DocumentView(provider, json, SHA256.HashData(json),
                mine.SelectMany(f => f.Boundaries).Where(d => d > asOf).Order().Cast<DateOnly?>().FirstOrDefault(),
                [.. mine.SelectMany(f => f.Schools).Distinct()]));
        }
        return views;
    }

    private static string? Urn(IParticipantLookups lookups, Guid schoolId) =>
        lookups.SchoolUrn(schoolId)?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Name(IParticipantLookups lookups, Guid? provider) => provider is { } id ? lookups.LeadProviderName(id) : null;
}
