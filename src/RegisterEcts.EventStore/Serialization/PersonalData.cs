using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
            body[name] = JsonNode.Parse(Decrypt(text, key, subject, name));
        }
    }

    /// <summary>
    /// The same as <see cref="Open(JsonObject, IReadOnlyList{EventTypeRegistry.PersonalProperty}, Guid, byte[])"/> for a body
    /// of a current event type, read and written as UTF-8 without building a tree of it: the body is copied value by value
    /// with its sealed fields opened in place, ready for the serialiser. A fifth of a rebuild's events have personal fields,
    /// and the tree (a dictionary and a node per property) cost more than the event's own record.
    /// </summary>
    /// <returns>The opened body, valid until the calling thread opens another.</returns>
    internal static ReadOnlySpan<byte> Open(ReadOnlySpan<byte> json, IReadOnlyList<EventTypeRegistry.PersonalProperty> properties, Guid subject, byte[]? key)
    {
        var (output, writer) = Buffers ??= (new ArrayBufferWriter<byte>(1024), new Utf8JsonWriter(Stream.Null));
        output.ResetWrittenCount();
        writer.Reset(output);
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("An event body must be a JSON object.");
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var personal = Personal(ref reader, properties);
            if (reader.ValueIsEscaped) writer.WritePropertyName(reader.GetString()!);
            else writer.WritePropertyName(reader.ValueSpan);
            reader.Read();
            if (personal is var (name, isString) && reader.TokenType == JsonTokenType.String && Sealed(ref reader, out var sealedText))
            {
                if (key is null)
                {
                    if (isString) writer.WriteStringValue(Erased);
                    else writer.WriteNullValue();
                    continue;
                }
                writer.WriteRawValue(Decrypt(sealedText, key, subject, name), skipInputValidation: true);
                continue;
            }
            // Anything else goes across as it is, a whole object or array at once.
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
        }
        writer.WriteEndObject();
        writer.Flush();
        return output.WrittenSpan;
    }

    [ThreadStatic] private static (ArrayBufferWriter<byte> Output, Utf8JsonWriter Writer)? Buffers;

    /// <summary>A sealed string value as UTF-8 (base64 after the prefix, unescaped), valid until the thread reads the next.</summary>
    private static bool Sealed(ref Utf8JsonReader reader, out ReadOnlySpan<byte> text)
    {
        var buffer = SealedText ??= new byte[1024];
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > buffer.Length) SealedText = buffer = new byte[length];
        text = buffer.AsSpan(0, reader.CopyString(buffer));
        return text.StartsWith("pd1:"u8);
    }

    [ThreadStatic] private static byte[]? SealedText;

    /// <summary>
    /// The last key's cipher, kept by the thread that opens a stream's fields: making one per field was most of what opening cost
    /// (OpenSSL sets the key up each time), and a registration seals two fields under one key. One per thread, left to its
    /// finaliser when the thread ends.
    /// </summary>
    [ThreadStatic] private static (byte[] Key, AesGcm Aes)? LastCipher;

    private static AesGcm Cipher(byte[] key)
    {
        if (LastCipher is { } last && ReferenceEquals(last.Key, key)) return last.Aes;
        LastCipher?.Aes.Dispose();
        var aes = new AesGcm(key, TagSize);
        LastCipher = (key, aes);
        return aes;
    }

    /// <summary>Opens a sealed UTF-8 value ("pd1:" and base64) into the thread's buffer, valid until it opens another.</summary>
    private static ReadOnlySpan<byte> Decrypt(ReadOnlySpan<byte> text, byte[] key, Guid subject, string name)
    {
        var base64 = text[Prefix.Length..];
        var most = System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        byte[]? rented = null;
        var sealedBytes = most <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(most));
        try
        {
            if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, sealedBytes, out _, out var written) != OperationStatus.Done || written < NonceSize + TagSize)
                throw new CryptographicException($"A sealed value of {subject} ({name}) is not valid base64.");
            sealedBytes = sealedBytes[..written];
            var plain = PlainText ??= new byte[1024];
            if (plain.Length < written) PlainText = plain = new byte[written];
            var opened = plain.AsSpan(0, written - NonceSize - TagSize);
            Span<byte> associated = stackalloc byte[33 + Encoding.UTF8.GetMaxByteCount(name.Length)];
            subject.TryFormat(associated, out var at, "N");
            associated[at++] = (byte)'/';
            at += Encoding.UTF8.GetBytes(name, associated[at..]);
            Cipher(key).Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), opened, associated[..at]);
            return opened;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [ThreadStatic] private static byte[]? PlainText;

    private static EventTypeRegistry.PersonalProperty? Personal(ref Utf8JsonReader reader, IReadOnlyList<EventTypeRegistry.PersonalProperty> properties)
    {
        // By index: foreach over the interface boxed the list's enumerator for every property of every event opened (12 MB a rebuild).
        for (var i = 0; i < properties.Count; i++)
            if (reader.ValueTextEquals(properties[i].JsonName)) return properties[i];
        return null;
    }

    private static byte[] Decrypt(string text, byte[] key, Guid subject, string name) => Decrypt(Encoding.UTF8.GetBytes(text), key, subject, name).ToArray();

    /// <summary>Strings read as <see cref="Erased"/>; anything else (dates of birth, say) reads as null.</summary>
    private static JsonNode? ErasedValue(bool isString) => isString ? JsonValue.Create(Erased) : null;

    // Binding the ciphertext to its subject and field stops a sealed value being copied elsewhere and opened.
    private static byte[] Associated(Guid subject, string property) => Encoding.UTF8.GetBytes($"{subject:N}/{property}");
}
