using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RegisterEcts.EventStore.Serialization;

/// <summary>Marks an event property as personal data: stored encrypted with its subject's key.</summary>
/// <remarks>The property must be a string or nullable, so that an erased value can be represented.</remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PersonalDataAttribute : Attribute;

/// <summary>
/// Stable event type names, never CLR names, and the upcasters that turn old names or shapes
/// into the current records. Everything that reads events goes through this one registry.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<string, Registration> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Registration> _byType = [];
    private readonly Dictionary<string, (string To, Func<JsonObject, JsonObject> Transform)> _upcasters = new(StringComparer.Ordinal);

    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>Registers <typeparamref name="T"/> under a name that must never change once events exist.</summary>
    public EventTypeRegistry Map<T>(string name) where T : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_byName.ContainsKey(name) || _upcasters.ContainsKey(name))
            throw new InvalidOperationException($"Event type name '{name}' is registered twice.");
        if (_byType.ContainsKey(typeof(T)))
            throw new InvalidOperationException($"{typeof(T).Name} is registered twice.");
        var registration = new Registration(name, typeof(T), PersonalProperties(typeof(T)));
        _byName[name] = registration;
        _byType[typeof(T)] = registration;
        return this;
    }

    /// <summary>
    /// Reads events stored as <paramref name="oldName"/> as <paramref name="newName"/>, after a pure
    /// JSON-to-JSON <paramref name="transform"/> (snake_case property names). Chains are allowed.
    /// </summary>
    public EventTypeRegistry Upcast(string oldName, string newName, Func<JsonObject, JsonObject>? transform = null)
    {
        if (_byName.ContainsKey(oldName))
            throw new InvalidOperationException($"'{oldName}' is a current event type; only retired names can be upcast.");
        _upcasters[oldName] = (newName, transform ?? (o => o));
        return this;
    }

    public bool IsRegistered(Type type) => _byType.ContainsKey(type);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    internal Registration For(Type type) =>
        _byType.TryGetValue(type, out var r)
            ? r
            : throw new InvalidOperationException($"{type.Name} is not a registered event type. Register it with EventTypeRegistry.Map<{type.Name}>(\"a_stable_name\").");

    /// <summary>The registration of a current (not upcast) name, or null.</summary>
    internal Registration? Current(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Applies upcasters until the name is a current one.</summary>
    internal Registration Resolve(ref string name, ref JsonObject body, long sequence)
    {
        for (var hops = 0; !_byName.ContainsKey(name); hops++)
        {
            if (hops > 32 || !_upcasters.TryGetValue(name, out var up))
                throw new UnknownEventTypeException(name, sequence);
            body = up.Transform(body);
            name = up.To;
        }
        return _byName[name];
    }

    private static IReadOnlyList<PersonalProperty> PersonalProperties(Type type)
    {
        var ctorParameters = type.GetConstructors().SelectMany(c => c.GetParameters())
            .Where(p => p.GetCustomAttribute<PersonalDataAttribute>() is not null)
            .Select(p => p.Name!)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<PersonalDataAttribute>() is not null || ctorParameters.Contains(p.Name))
            .ToList();
        foreach (var p in properties)
        {
            var nullable = p.PropertyType == typeof(string) || !p.PropertyType.IsValueType || Nullable.GetUnderlyingType(p.PropertyType) is not null;
            if (!nullable)
                throw new InvalidOperationException($"{type.Name}.{p.Name} is personal data, so it must be a string or nullable to be readable once erased.");
        }
        return properties.Select(p => new PersonalProperty(JsonOptions.PropertyNamingPolicy!.ConvertName(p.Name), p.PropertyType == typeof(string))).ToList();
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    internal sealed record Registration(string Name, Type Type, IReadOnlyList<PersonalProperty> PersonalProperties);

    internal sealed record PersonalProperty(string JsonName, bool IsString);
}
