using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NpgsqlTypes;

namespace RegisterEcts.EventStore.Projections;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"),
/// encoded as they are added into pooled 64 KB chunks and later sent through a raw binary COPY.
/// </summary>
/// <remarks>
/// A rebuild used to keep every row as an object array of boxed values until its page was written, after the next page
/// had been projected. Those rows lived just long enough to be promoted by the garbage collector, which was about 40% of
/// a rebuild's client CPU; encoded at once, a row is bytes in a reused buffer and its values die young. It also skips
/// Npgsql's per-value writer, which resolved a converter and bound each value as a parameter. Each value is written
/// exactly as Npgsql writes it for the same NpgsqlDbType (the tests round-trip every type through PostgreSQL).
/// </remarks>
internal sealed class CopyEncoder : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    /// <summary>"PGCOPY\n\377\r\n\0"</summary>
    private static readonly byte[] Signature = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly List<(byte[] Chunk, int Used)> _done = [];
    private byte[]? _chunk;
    private int _used;

    /// <summary>Bytes encoded and not yet sent.</summary>
    public long Length { get; private set; }

    /// <summary>The 19 bytes every binary COPY starts with: signature, flags, header extension length.</summary>
    public void Header()
    {
        var span = Reserve(19);
        Signature.CopyTo(span);
        BinaryPrimitives.WriteInt32BigEndian(span[11..], 0);
        BinaryPrimitives.WriteInt32BigEndian(span[15..], 0);
        Advance(19);
    }

    public void Trailer() => Int16(-1);

    public void Row(string table, (string Column, NpgsqlDbType Type)[] columns, object?[] values)
    {
        if (values.Length != columns.Length) throw new ArgumentException($"{table} takes {columns.Length} values, not {values.Length}.", nameof(values));
        Int16((short)values.Length);
        for (var i = 0; i < values.Length; i++)
            if (!Value(values[i], columns[i].Type))
                throw new NotSupportedException(
                    $"{table}.{columns[i].Column}: a {values[i]!.GetType().Name} cannot be copied as {Name(columns[i].Type)}. " +
                    "Pass the CLR type the encoder writes for it (see CopyEncoder.Value), or teach it the new one.");
    }

    internal static string Name(NpgsqlDbType type) =>
        type.HasFlag(NpgsqlDbType.Array) ? $"{type & ~NpgsqlDbType.Array}[]" : type.ToString();

    private bool Value(object? value, NpgsqlDbType type)
    {
        switch (value)
        {
            case null: Int32(-1); return true;
            case Guid v when type == NpgsqlDbType.Uuid: Int32(16); Uuid(v); return true;
            case string v when type == NpgsqlDbType.Text: Text(v, jsonb: false); return true;
            case string v when type == NpgsqlDbType.Jsonb: Text(v, jsonb: true); return true;
            case string v when type == NpgsqlDbType.Json: Text(v, jsonb: false); return true;
            case int v when type == NpgsqlDbType.Integer: Int32(4); Int32(v); return true;
            case int v when type == NpgsqlDbType.Bigint: Int32(8); Int64(v); return true;
            case long v when type == NpgsqlDbType.Bigint: Int32(8); Int64(v); return true;
            case bool v when type == NpgsqlDbType.Boolean: Int32(1); Byte(v ? (byte)1 : (byte)0); return true;
            case DateOnly v when type == NpgsqlDbType.Date: Int32(4); Date(v); return true;
            case DateTimeOffset v when type == NpgsqlDbType.TimestampTz: Int32(8); Timestamp(v); return true;
            case DateTime v when type == NpgsqlDbType.TimestampTz: Int32(8); Timestamp(v); return true;
            case decimal v when type == NpgsqlDbType.Numeric: Numeric(v); return true;
            case byte[] v when type == NpgsqlDbType.Bytea: Int32(v.Length); Bytes(v); return true;
            case byte[] v when type == NpgsqlDbType.Jsonb: Int32(v.Length + 1); Byte(1); Bytes(v); return true;
            case byte[] v when type == NpgsqlDbType.Json: Int32(v.Length); Bytes(v); return true;
            case NpgsqlRange<DateOnly> v when type == NpgsqlDbType.DateRange: DateRange(v); return true;
            case string?[] v when type == (NpgsqlDbType.Array | NpgsqlDbType.Text): TextArray(v); return true;
            case Guid[] v when type == (NpgsqlDbType.Array | NpgsqlDbType.Uuid): FixedArray(v, UuidOid, 16, static (e, x) => e.Uuid(x)); return true;
            case int[] v when type == (NpgsqlDbType.Array | NpgsqlDbType.Integer): FixedArray(v, Int4Oid, 4, static (e, x) => e.Int32(x)); return true;
            case long[] v when type == (NpgsqlDbType.Array | NpgsqlDbType.Bigint): FixedArray(v, Int8Oid, 8, static (e, x) => e.Int64(x)); return true;
            default: return false;
        }
    }

    // pg_type OIDs of the elements: array_recv refuses an array whose element type is not the column's.
    private const int TextOid = 25, UuidOid = 2950, Int4Oid = 23, Int8Oid = 20;

    private void TextArray(string?[] values)
    {
        var start = ArrayHeader(values.Length, System.Array.IndexOf(values, null) >= 0, TextOid);
        foreach (var v in values)
            if (v is null) Int32(-1);
            else Text(v, jsonb: false);
        EndSized(start);
    }

    // The values of a row written one by one (CopyRows.RowWriter), each checked against its column's type there.
    internal void FieldCount(int count) => Int16((short)count);

    internal void Null() => Int32(-1);

    internal void UuidValue(Guid v) { Int32(16); Uuid(v); }

    internal void BigintValue(long v) { Int32(8); Int64(v); }

    internal void TextValue(string v) => Text(v, jsonb: false);

    internal void DateValue(DateOnly v) { Int32(4); Date(v); }

    internal void TimestampValue(DateTimeOffset v) { Int32(8); Timestamp(v); }

    internal void TextArrayValue(IReadOnlyList<string> values)
    {
        var start = ArrayHeader(values.Count, hasNulls: false, TextOid);
        for (var i = 0; i < values.Count; i++) Text(values[i] ?? throw new ArgumentException("A text array written by RowWriter holds no NULLs."), jsonb: false);
        EndSized(start);
    }

    /// <summary>An array of fixed-size values, none of them null; <paramref name="write"/> is a static lambda, so nothing is allocated.</summary>
    private void FixedArray<T>(T[] values, int elementOid, int elementSize, Action<CopyEncoder, T> write)
    {
        var start = ArrayHeader(values.Length, hasNulls: false, elementOid);
        foreach (var v in values)
        {
            Int32(elementSize);
            write(this, v);
        }
        EndSized(start);
    }

    /// <summary>A one-dimensional array: dimensions, null flag, element type, then (length, lower bound 1); the elements follow.</summary>
    private (byte[] Chunk, int At, long Length) ArrayHeader(int count, bool hasNulls, int elementOid)
    {
        var start = BeginSized();
        Int32(count == 0 ? 0 : 1);
        Int32(hasNulls ? 1 : 0);
        Int32(elementOid);
        if (count > 0)
        {
            Int32(count);
            Int32(1);
        }
        return start;
    }

    /// <summary>Flags, then each finite bound as a sized date (as range_send writes it).</summary>
    private void DateRange(NpgsqlRange<DateOnly> range)
    {
        byte flags = 0;
        if (range.IsEmpty) flags |= 0x01;
        else
        {
            if (range.LowerBoundIsInclusive) flags |= 0x02;
            if (range.UpperBoundIsInclusive) flags |= 0x04;
            if (range.LowerBoundInfinite) flags |= 0x08;
            if (range.UpperBoundInfinite) flags |= 0x10;
        }
        // A bound is sent when the range is not empty and the bound not infinite.
        var lower = (flags & 0x09) == 0;
        var upper = (flags & 0x11) == 0;
        Int32(1 + (lower ? 8 : 0) + (upper ? 8 : 0));
        Byte(flags);
        if (lower) { Int32(4); Date(range.LowerBound); }
        if (upper) { Int32(4); Date(range.UpperBound); }
    }

    /// <summary>Days since 2000-01-01; DateOnly's extremes are PostgreSQL's infinities, as Npgsql maps them.</summary>
    private void Date(DateOnly d) =>
        Int32(d == DateOnly.MaxValue ? int.MaxValue : d == DateOnly.MinValue ? int.MinValue : d.DayNumber - PostgresEpochDay);

    /// <summary>Microseconds since 2000-01-01 UTC. Like Npgsql, only UTC values go to timestamptz.</summary>
    private void Timestamp(DateTimeOffset v)
    {
        if (v.Offset != TimeSpan.Zero)
            throw new ArgumentException($"timestamptz takes UTC values only, not an offset of {v.Offset}.");
        Timestamp(v.UtcDateTime);
    }

    private void Timestamp(DateTime v)
    {
        if (v == DateTime.MaxValue) { Int64(long.MaxValue); return; }
        if (v == DateTime.MinValue) { Int64(long.MinValue); return; }
        if (v.Kind != DateTimeKind.Utc) throw new ArgumentException($"timestamptz takes UTC values only, not a DateTime of kind {v.Kind}.");
        Int64((v.Ticks - PostgresEpochTicks) / 10);
    }

    /// <summary>numeric_send: digit count, weight, sign, display scale, then base-10,000 digits.</summary>
    private void Numeric(decimal value)
    {
        var text = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.');
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        // Group the digits in fours either side of the point.
        var wholeGroups = (whole.Length + 3) / 4;
        var padded = whole.PadLeft(wholeGroups * 4, '0') + fraction.PadRight((fraction.Length + 3) / 4 * 4, '0');
        var digits = new List<short>();
        for (var i = 0; i < padded.Length; i += 4) digits.Add(short.Parse(padded.AsSpan(i, 4), CultureInfo.InvariantCulture));
        var weight = wholeGroups - 1;
        while (digits.Count > 0 && digits[0] == 0) { digits.RemoveAt(0); weight--; }
        while (digits.Count > 0 && digits[^1] == 0) digits.RemoveAt(digits.Count - 1);
        if (digits.Count == 0) weight = 0;
        Int32(8 + 2 * digits.Count);
        Int16((short)digits.Count);
        Int16((short)weight);
        Int16(value < 0 && digits.Count > 0 ? unchecked((short)0x4000) : (short)0);
        Int16((short)fraction.Length);
        foreach (var d in digits) Int16(d);
    }

    private void Uuid(Guid v)
    {
        v.TryWriteBytes(Reserve(16), bigEndian: true, out _);
        Advance(16);
    }

    /// <summary>A sized string in UTF-8 (jsonb: after its version byte). Encoded in place, its length written once known.</summary>
    private void Text(string v, bool jsonb)
    {
        var prefix = jsonb ? 1 : 0;
        var max = Utf8.GetMaxByteCount(v.Length);
        var span = Reserve(4 + prefix + max);
        if (jsonb) span[4] = 1;
        var written = Utf8.GetBytes(v, span[(4 + prefix)..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written + prefix);
        Advance(4 + prefix + written);
    }

    private void Bytes(ReadOnlySpan<byte> v)
    {
        // Large values (a document, a state) may not fit what is left of a chunk: split them over as many as they need.
        while (v.Length > 0)
        {
            var span = Reserve(Math.Min(v.Length, ChunkSize));
            v[..span.Length].CopyTo(span);
            Advance(span.Length);
            v = v[span.Length..];
        }
    }

    private void Byte(byte v)
    {
        Reserve(1)[0] = v;
        Advance(1);
    }

    private void Int16(short v)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), v);
        Advance(2);
    }

    private void Int32(int v)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), v);
        Advance(4);
    }

    private void Int64(long v)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), v);
        Advance(8);
    }

    /// <summary>Starts a value whose size is only known at its end: four bytes are kept for it where it begins.</summary>
    private (byte[] Chunk, int At, long Length) BeginSized()
    {
        Reserve(4);
        var start = (_chunk!, _used, Length);
        Advance(4);
        return start;
    }

    private void EndSized((byte[] Chunk, int At, long Length) start) =>
        BinaryPrimitives.WriteInt32BigEndian(start.Chunk.AsSpan(start.At), checked((int)(Length - start.Length - 4)));

    /// <summary>Contiguous room for <paramref name="size"/> bytes, in a fresh chunk when this one has too little left.</summary>
    private Span<byte> Reserve(int size)
    {
        if (_chunk is null || _chunk.Length - _used < size)
        {
            if (_chunk is not null) _done.Add((_chunk, _used));
            _chunk = ArrayPool<byte>.Shared.Rent(Math.Max(size, ChunkSize));
            _used = 0;
        }
        return _chunk.AsSpan(_used, size);
    }

    private void Advance(int count)
    {
        _used += count;
        Length += count;
    }

    /// <summary>Sends what is encoded and starts empty again.</summary>
    public async Task FlushAsync(Stream stream, CancellationToken ct)
    {
        foreach (var (chunk, used) in _done) await stream.WriteAsync(chunk.AsMemory(0, used), ct);
        if (_chunk is not null) await stream.WriteAsync(_chunk.AsMemory(0, _used), ct);
        Dispose();
    }

    public void Dispose()
    {
        foreach (var (chunk, _) in _done) ArrayPool<byte>.Shared.Return(chunk);
        _done.Clear();
        if (_chunk is not null) ArrayPool<byte>.Shared.Return(_chunk);
        (_chunk, _used, Length) = (null, 0, 0);
    }
}
