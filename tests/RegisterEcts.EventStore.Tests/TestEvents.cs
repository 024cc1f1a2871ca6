using RegisterEcts.EventStore;
using RegisterEcts.EventStore.Serialization;
using RegisterEcts.Testing;

namespace RegisterEcts.EventStore.Tests;

// Small events shaped like the W1 workload: a teacher's life in ten facts.
public sealed record TeacherRegistered(Guid TeacherId, [property: PersonalData] string Name, [property: PersonalData] string? Email, [property: PersonalData] DateOnly? DateOfBirth, DateOnly StartedOn);
public sealed record TrainingStarted(Guid TeacherId, string LeadProvider, DateOnly StartedOn);
public sealed record MentorAssigned(Guid TeacherId, Guid MentorId, DateOnly StartedOn);
public sealed record Deferred(Guid TeacherId, string Reason, DateOnly DeferredOn);
public sealed record Resumed(Guid TeacherId, DateOnly ResumedOn);

public static class TestEvents
{
    public static void Register(EventStoreOptions options) =>
        options.Events
            .Map<TeacherRegistered>("teacher_registered")
            .Map<TrainingStarted>("training_started")
            .Map<MentorAssigned>("mentor_assigned")
            .Map<Deferred>("training_deferred")
            .Map<Resumed>("training_resumed");

    public static readonly EventContext Context = new(new Actor("school", "100001", "Oak Academy"), CausationId: "request-1");

    public static TeacherRegistered Registered(Guid id, string name = "Jane Doe") =>
        new(id, name, "jane@example.com", new DateOnly(1995, 4, 1), new DateOnly(2025, 9, 1));

    public static TrainingStarted Training(Guid id) => new(id, "ambition", new DateOnly(2025, 9, 1));
}

/// <summary>A store in its own schema with the test events registered.</summary>
public class TestStoreFixture : StoreFixture
{
    protected override void Configure(EventStoreOptions options) => TestEvents.Register(options);
}
