using RegisterEcts.EventStore;
using RegisterEcts.LeadProviders.Participants;
using RegisterEcts.Shared;
using RegisterEcts.Teachers;

namespace RegisterEcts.Tests;

public class a_participant_history
{
    private static readonly Guid Jane = Guid.Parse("0193a000-0000-7000-8000-00000000000a");
    private static readonly Guid Maria = Guid.Parse("0193a000-0000-7000-8000-00000000000b");
    private static readonly Guid Oak = Guid.Parse("0193a000-0000-7000-8000-000000000101");
    private static readonly Guid Kingfisher = Guid.Parse("0193a000-0000-7000-8000-000000000401");
    private static readonly DateTimeOffset Recorded = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);

    private static ParticipantHistory Registered(Guid teacherId, string trn) =>
        ParticipantHistory.Evolve(ParticipantHistory.Initial, new RecordedEvent(1, Guid.NewGuid(), teacherId, Teacher.StreamType, 1, "teacher_registered_as_ect",
            new TeacherRegisteredAsEct(teacherId, trn, "A Teacher", "a@oak.example", 1, Oak, new DateOnly(2025, 9, 1), WorkingPattern.FullTime, Kingfisher),
            new EventMetadata(Actor.System("test"), "correlation", null, null, null), Recorded));

    [Fact]
    public void gives_the_training_record_ids_of_its_own_teacher_each_time_it_is_asked()
    {
        var jane = Registered(Jane, "1234567");
        jane.TrainingRecordId(TeacherRole.Ect).ShouldBe(ParticipantDocuments.TrainingRecordId(Jane, TeacherRole.Ect));
        jane.TrainingRecordId(TeacherRole.Mentor).ShouldBe(ParticipantDocuments.TrainingRecordId(Jane, TeacherRole.Mentor));
        jane.TrainingRecordId(TeacherRole.Ect).ShouldBe(ParticipantDocuments.TrainingRecordId(Jane, TeacherRole.Ect));

        // A history made from one whose ids were worked out, for another teacher, works out that teacher's.
        var maria = jane with { Teacher = Registered(Maria, "7654321").Teacher };
        maria.TrainingRecordId(TeacherRole.Ect).ShouldBe(ParticipantDocuments.TrainingRecordId(Maria, TeacherRole.Ect));
        maria.TrainingRecordId(TeacherRole.Ect).ShouldNotBe(jane.TrainingRecordId(TeacherRole.Ect));
    }

    [Fact]
    public void equals_one_that_says_the_same_whether_or_not_its_ids_were_worked_out()
    {
        var asked = Registered(Jane, "1234567");
        var copy = asked with { };
        asked.TrainingRecordId(TeacherRole.Ect);

        copy.ShouldBe(asked);
        copy.GetHashCode().ShouldBe(asked.GetHashCode());
        (asked with { IdChanges = [new(Maria, Jane, Recorded)] }).ShouldNotBe(asked);
    }
}
