using System.Security.Cryptography;
using System.Text.Json;
using RegisterEcts.EventStore.Serialization;

namespace RegisterEcts.LeadProviders.Participants;

/// <summary>A provider's ECT and the current or next mentor its document names.</summary>
public sealed record MentorLink(Guid LeadProviderId, Guid MenteeId, Guid MentorId, int MentorPeriodId, DateOnly StartedOn);

/// <summary>The v3 unfunded-mentor attributes (rect-api-v3.md §3.8), without updated_at.</summary>
public sealed record UnfundedMentorDocument(string FullName, string? Email, string TeacherReferenceNumber, DateTimeOffset CreatedAt);

public static class UnfundedMentors
{
    /// <summary>
    /// A mentor's documents for every provider one of whose ECTs they mentor (now or next), except providers
    /// that train them; the email is the one at the school of the most recently started of those mentorships.
    /// </summary>
    public static IReadOnlyList<DocumentView> Build(ParticipantHistory mentor, IEnumerable<MentorLink> links, IReadOnlySet<Guid> trainedBy)
    {
        var teacher = mentor.Teacher;
        if (!teacher.Exists || teacher.MergedInto is not null) return [];
        var views = new List<DocumentView>();
        foreach (var group in links.Where(l => !trainedBy.Contains(l.LeadProviderId)).GroupBy(l => l.LeadProviderId).OrderBy(g => g.Key))
        {
            var latest = group.OrderByDescending(l => l.StartedOn).ThenBy(l => l.MenteeId).First();
            var email = teacher.MentorPeriods.FirstOrDefault(p => p.Id == latest.MentorPeriodId)?.Email;
            if (teacher.Erased && email is not null) email = PersonalData.Erased;
            var document = new UnfundedMentorDocument(teacher.Erased ? PersonalData.Erased : teacher.DisplayName, email, teacher.Trn,
                mentor.FirstRegisteredAt.Values.DefaultIfEmpty().Min());
            var json = JsonSerializer.SerializeToUtf8Bytes(document, ParticipantDocuments.Json);
            views.Add(new DocumentView(group.Key, json, SHA256.HashData(json), null, []));
        }
        return views;
    }
}
