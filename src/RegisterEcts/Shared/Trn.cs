using FluentValidation;

namespace RegisterEcts.Shared;

/// A teacher reference number, always seven digits once parsed.
public readonly record struct Trn
{
    public const string TooShort = "Teacher reference number must include at least 5 digits";
    public const string TooLong = "Teacher reference number cannot include more than 7 digits";

    private readonly string? _value;

    private Trn(string value) => _value = value;

    public string Value => _value ?? string.Empty;

    public override string ToString() => Value;

    // Schools type TRNs with spaces, dashes and "RP" prefixes; only the digits identify the teacher.
    public static bool TryParse(string? input, out Trn trn, out string? error)
    {
        var digits = new string((input ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        (trn, error) = digits.Length switch
        {
            < 5 => (default(Trn), TooShort),
            > 7 => (default(Trn), TooLong),
            _ => (new Trn(digits.PadLeft(7, '0')), (string?)null),
        };
        return error is null;
    }

    public static Trn Parse(string? input) =>
        TryParse(input, out var trn, out var error) ? trn : throw new RuleViolation("invalid_trn", error!);
}

public static class TrnValidation
{
    public static IRuleBuilderOptionsConditions<T, string> MustBeTrn<T>(this IRuleBuilder<T, string> rule) =>
        rule.Custom((value, context) =>
        {
            if (!Trn.TryParse(value, out _, out var error))
                context.AddFailure(error);
        });
}
