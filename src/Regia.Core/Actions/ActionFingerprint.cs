using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.IO.Hashing;

namespace Regia.Core.Actions;

/// <summary>
/// Writes values into a canonical byte form and hashes it to 64 bits with XXH3: a fingerprint that may be stored and
/// compared across processes and releases (XXH3's output is fixed by its specification). Two different contents
/// share one with a chance of about one in 2^64, and a collision would only skip one update. XXH3 is not built to
/// resist a file made to collide on purpose, but only reviewers and administrators import, and they may change
/// any action anyway. SHA-256 was measured first: about 1 µs a row, most of the fingerprint's cost; XXH3 a few ns.
/// </summary>
internal sealed class ActionFingerprint
{
    /// <summary>Bumped when the canonical form changes: every fingerprint kept before then stops matching, which is safe.</summary>
    private const byte Format = 1;

    /// <summary>One buffer per thread, cleared at each use (so one fingerprint at a time on a thread: they are made synchronously): an import fingerprints every row.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? shared;

    private readonly ArrayBufferWriter<byte> buffer;

    public ActionFingerprint()
    {
        buffer = shared ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        Byte(Format);
    }

    /// <summary>
    /// The fingerprint an import keeps on an action: its content's, bound to the version it wrote. Every change to an
    /// action increments its version (the concurrency token), so any change made since, by whatever path, makes the
    /// kept value stop matching and the next import compare the action whole.
    /// </summary>
    public static long At(long content, int version)
    {
        // SplitMix64's finaliser over content + version × the golden ratio: for one content every version gives another value.
        var x = unchecked((ulong)content + ((ulong)(uint)version * 0x9E3779B97F4A7C15UL));
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((long)(x ^ (x >> 31)));
    }

    public ActionFingerprint Add(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
        return this;
    }

    public ActionFingerprint Add(int? value) => value is { } v ? Byte(1).Add(v) : Byte(0);

    public ActionFingerprint Add(DateOnly value) => Add(value.DayNumber);

    public ActionFingerprint Add(DateOnly? value) => value is { } v ? Byte(1).Add(v) : Byte(0);

    /// <summary>A decimal by its value, not its scale: 1.5 and 1.50 are one amount.</summary>
    public ActionFingerprint Add(decimal value)
    {
        // Most amounts are whole euros (a file's "5000.0"): those go as a 64-bit integer, which costs no division.
        if (value is >= long.MinValue and <= long.MaxValue && value == decimal.Truncate(value))
        {
            Byte(0);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), (long)value);
            buffer.Advance(8);
            return this;
        }

        // Dividing by 1.000…0 (28 zeros) drops trailing zeros from the scale and leaves the value as it is.
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value / 1.0000000000000000000000000000m, bits);
        Byte(1);
        foreach (var part in bits)
        {
            Add(part);
        }

        return this;
    }

    public ActionFingerprint Add(decimal? value) => value is { } v ? Byte(1).Add(v) : Byte(0);

    public ActionFingerprint Add(string? value)
    {
        if (value is null)
        {
            return Byte(0);
        }

        Byte(1).Add(value.Length);
        var bytes = MemoryMarshal.AsBytes(value.AsSpan());
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
        return this;
    }

    public long Hash() => unchecked((long)XxHash3.HashToUInt64(buffer.WrittenSpan));

    private ActionFingerprint Byte(byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
        return this;
    }
}
