using FluentValidation;

namespace RegisterEcts.Teachers;

internal static class TeacherValidation
{
    public static IRuleBuilderOptions<T, string> MustBeName<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Enter the teacher's full name")
            .MaximumLength(70).WithMessage("Name must be 70 characters or less");

    public static IRuleBuilderOptions<T, string?> MustBeEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.EmailAddress().WithMessage("Enter an email address in the correct format, like name@example.com")
            .MaximumLength(254);

    /// Provider-led training names its lead provider; school-led training has none.
    public static void LeadProviderMatchesProgramme<T>(this AbstractValidator<T> validator, Func<T, RegisterEcts.Shared.TrainingProgramme> programme, System.Linq.Expressions.Expression<Func<T, Guid?>> leadProvider)
    {
        validator.RuleFor(leadProvider).NotEmpty().When(c => programme(c) == RegisterEcts.Shared.TrainingProgramme.ProviderLed)
            .WithMessage("Select a lead provider for provider-led training");
        validator.RuleFor(leadProvider).Null().When(c => programme(c) == RegisterEcts.Shared.TrainingProgramme.SchoolLed)
            .WithMessage("School-led training has no lead provider");
    }

    /// Induction terms: up to 16, to one decimal place.
    public static IRuleBuilderOptions<T, decimal> MustBeTerms<T>(this IRuleBuilder<T, decimal> rule, decimal minimum) =>
        rule.InclusiveBetween(minimum, 16m).WithMessage($"Number of terms must be between {minimum} and 16")
            .PrecisionScale(4, 1, ignoreTrailingZeros: true).WithMessage("Number of terms can have at most one decimal place");
}
