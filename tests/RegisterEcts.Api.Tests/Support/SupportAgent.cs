using RegisterEcts.EventStore;

namespace RegisterEcts.Api.Tests;

/// <summary>A DfE support agent, in the words of the service. Every change carries a reason and a ticket.</summary>
public sealed class SupportAgent(Caller caller)
{
    public const string Ticket = "ZD-1234";

    public Caller Caller => caller;

    public Task<Reply> MergesAsync(Guid duplicate, Guid into, DateOnly on, string? reason = "Registered twice under two TRNs", string? ticket = Ticket, string? key = null) =>
        caller.PostAsync($"/api/support/teachers/{duplicate}/merge", new { IntoTeacherId = into, Reason = reason, SupportTicket = ticket }, on, key);

    public Task<Reply> ErasesAsync(Guid teacher, DateOnly on, string? reason = "The teacher asked to be forgotten", string? ticket = Ticket, string? key = null) =>
        caller.PostAsync($"/api/support/teachers/{teacher}/erase", new { Reason = reason, SupportTicket = ticket }, on, key);

    public Task<Reply> CorrectsEctStartDateAsync(Guid teacher, int urn, DateOnly startedOn, DateOnly on, string? reason = "The school entered the wrong date",
        string? ticket = Ticket, string? key = null) =>
        caller.PostAsync($"/api/support/teachers/{teacher}/corrections/ect-start-date",
            new { SchoolUrn = urn, StartedOn = startedOn, Reason = reason, SupportTicket = ticket }, on, key);

    public Task<Reply> CorrectsLeavingDateAsync(Guid teacher, string role, int urn, DateOnly leftOn, DateOnly on, string? reason = "The school entered the wrong date",
        string? ticket = Ticket, string? key = null) =>
        caller.PostAsync($"/api/support/teachers/{teacher}/corrections/leaving-date",
            new { Role = role, SchoolUrn = urn, LeftOn = leftOn, Reason = reason, SupportTicket = ticket }, on, key);
}

public static class SupportFixture
{
    public static async Task<SupportAgent> SupportAsync(this ApiWithSchools api, string scope = "support") => new(await api.AsAsync(scope));

    /// The events of one stream as the store reads them (personal fields decrypted, or erased).
    public static async Task<IReadOnlyList<RecordedEvent>> StreamAsync(this ApiWithSchools api, Guid streamId) =>
        (await api.Store.ReadStreamAsync(streamId)).Events;
}
