using RegisterEcts.Shared;

namespace RegisterEcts.Tests;

public class when_normalising_a_trn
{
    [Theory]
    [InlineData("1234567", "1234567")]
    [InlineData("12345", "0012345")]
    [InlineData("RP 12-345", "0012345")]
    [InlineData(" 123 4567 ", "1234567")]
    public void digits_are_kept_and_left_padded_to_seven(string input, string expected)
    {
        Trn.TryParse(input, out var trn, out var error).ShouldBeTrue();
        error.ShouldBeNull();
        trn.Value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("abc-12")]
    public void fewer_than_five_digits_are_refused(string? input)
    {
        Trn.TryParse(input, out _, out var error).ShouldBeFalse();
        error.ShouldBe("Teacher reference number must include at least 5 digits");
    }

    [Fact]
    public void more_than_seven_digits_are_refused()
    {
        Trn.TryParse("12345678", out _, out var error).ShouldBeFalse();
        error.ShouldBe("Teacher reference number cannot include more than 7 digits");
    }

    [Fact]
    public void parse_throws_a_rule_violation_with_the_same_message() =>
        Should.Throw<RuleViolation>(() => Trn.Parse("12")).Message.ShouldBe("Teacher reference number must include at least 5 digits");

    [Fact]
    public void the_register_ect_validator_reports_the_trn_message()
    {
        var result = new RegisterEcts.Teachers.RegisterEct.Validator().Validate(World.NewEct(trn: "12345678"));
        result.Errors.Select(e => e.ErrorMessage).ShouldContain("Teacher reference number cannot include more than 7 digits");
    }
}

public class when_comparing_date_ranges
{
    private static readonly DateOnly Day = new(2025, 9, 1);

    [Fact]
    public void both_ends_are_inclusive()
    {
        var range = new DateRange(Day, Day.AddDays(2));
        range.Contains(Day).ShouldBeTrue();
        range.Contains(Day.AddDays(2)).ShouldBeTrue();
        range.Contains(Day.AddDays(3)).ShouldBeFalse();
    }

    [Fact]
    public void an_open_range_overlaps_everything_after_its_start()
    {
        new DateRange(Day, null).Overlaps(new DateRange(Day.AddYears(5), Day.AddYears(6))).ShouldBeTrue();
        new DateRange(Day, Day).Overlaps(new DateRange(Day.AddDays(1), null)).ShouldBeFalse();
    }
}
