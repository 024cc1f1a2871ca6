using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RegisterEcts.EventStore.Serialization;

/// <summary>
/// Crypto-shredding: personal fields are sealed with AES-GCM under a key per subject (the stream).
/// Deleting the key erases every copy of those fields at once, events included, without rewriting history.
/// </summary>
public static class PersonalData
{
    /// <summary>What an erased personal string reads as, everywhere.</summary>
    public const string Erased = "[erased]";

    private const string Prefix = "pd1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    internal static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Whether a stored body (UTF-8 JSON) may hold a sealed field, so its subject's key is needed to read it.</summary>
    internal static bool MaySeal(ReadOnlySpan<byte> json) => json.IndexOf("\"pd1:"u8) >= 0;

    internal static void Seal(JsonObject body, IReadOnlyList<EventTypeRegistry.PersonalProperty> properties, Guid subject, byte[]? key)
    {
        foreach (var (name, isString) in properties)
        {
            if (body[name] is null) continue;
            if (key is null)
            {
                // The subject is already erased: nothing personal may be written for it.
                body[name] = ErasedValue(isString);
                continue;
            }
            var value = body[name]!;
            var plain = Encoding.UTF8.GetBytes(value.ToJsonString());
            var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
            var nonce = sealedBytes.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Associated(subject, name));
            body[name] = Prefix + Convert.ToBase64String(sealedBytes);
        }
    }

    internal static void Open(JsonObject body, IReadOnlyList<EventTypeRegistry.PersonalProperty> properties, Guid subject, byte[]? key)
    {
        foreach (var (name, isString) in properties)
        {
            if (body[name] is not JsonValue value || !value.TryGetValue<string>(out var text) || !text.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            if (key is null)
            {
                body[name] = ErasedValue(isString);
                continue;
            }
            var sealedBytes = Convert.FromBase64String(text[Prefix.Length..]);
            var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain, Associated(subject, name));
            body[name] = JsonNode.Parse(plain);
        }
    }

    /// <summary>Strings read as <see cref="Erased"/>; anything else (dates of birth, say) reads as null.</summary>
    private static JsonNode? ErasedValue(bool isString) => isString ? JsonValue.Create(Erased) : null;

    // Binding the ciphertext to its subject and field stops a sealed value being copied elsewhere and opened.
    private static byte[] Associated(Guid subject, string property) => Encoding.UTF8.GetBytes($"{subject:N}/{property}");
}
