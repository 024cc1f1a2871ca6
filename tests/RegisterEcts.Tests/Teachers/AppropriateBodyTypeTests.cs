using RegisterEcts.Shared;
using RegisterEcts.Teachers;
using static RegisterEcts.Tests.World;

namespace RegisterEcts.Tests;

public class when_a_state_funded_school_chooses_an_appropriate_body
{
    [Fact]
    public void a_teaching_school_hub_is_accepted() =>
        RegisterEct.Decide(NewEct(appropriateBody: Body), Teacher.Initial, Catalogue).For(Jane).ShouldNotBeEmpty();

    [Fact]
    public void a_national_appropriate_body_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(appropriateBody: NationalBody), Teacher.Initial, Catalogue))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("appropriate_body_not_allowed"),
                v => v.Message.ShouldBe("A state-funded school must choose a teaching school hub as its appropriate body"));

    [Fact]
    public void a_local_authority_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(appropriateBody: CountyBody), Teacher.Initial, Catalogue))
            .Code.ShouldBe("appropriate_body_not_allowed");
}

public class when_an_independent_school_chooses_an_appropriate_body
{
    [Fact]
    public void a_national_appropriate_body_is_accepted() =>
        RegisterEct.Decide(NewEct(appropriateBody: NationalBody, independentSchool: true), Teacher.Initial, Catalogue).For(Jane)
            .OfType<TeacherRegisteredAsEct>().Single().AppropriateBodyId.ShouldBe(NationalBody);

    [Fact]
    public void a_teaching_school_hub_is_accepted() =>
        RegisterEct.Decide(NewEct(appropriateBody: Body, independentSchool: true), Teacher.Initial, Catalogue).For(Jane).ShouldNotBeEmpty();

    [Fact]
    public void a_local_authority_is_refused() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(appropriateBody: CountyBody, independentSchool: true), Teacher.Initial, Catalogue))
            .ShouldSatisfyAllConditions(
                v => v.Code.ShouldBe("appropriate_body_not_allowed"),
                v => v.Message.ShouldBe("An independent school must choose a national appropriate body or a teaching school hub"));

    [Fact]
    public void an_inactive_body_is_refused_before_its_type_is_checked() =>
        Should.Throw<RuleViolation>(() => RegisterEct.Decide(NewEct(appropriateBody: ClosedBody, independentSchool: true), Teacher.Initial, Catalogue))
            .Code.ShouldBe("appropriate_body_not_active");
}
