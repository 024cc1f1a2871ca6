using FluentValidation;

namespace RegisterEcts.Api.Http;

internal static class Validation
{
    /// <summary>FluentValidation failures as a 400 problem whose errors are keyed by snake_case field.</summary>
    public static IResult? Problem<T>(IValidator<T> validator, T command, IReadOnlyDictionary<string, string>? fieldNames = null)
    {
        var result = validator.Validate(command);
        if (result.IsValid) return null;
        var errors = result.Errors
            .GroupBy(e => fieldNames?.GetValueOrDefault(e.PropertyName) ?? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return TypedResults.ValidationProblem(errors, title: "The request is not valid");
    }
}
