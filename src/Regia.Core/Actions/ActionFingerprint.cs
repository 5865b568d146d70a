using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Regia.Core.Actions;

/// <summary>
/// Writes values into a canonical byte form and hashes it to 64 bits (the first 8 bytes of SHA-256): a fingerprint
/// that may be stored and compared across processes and releases. A non-cryptographic hash would do for speed, but a
/// collision here would silently skip an update, so the hash is one no file can aim at.
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
        // Dividing by 1.000…0 (28 zeros) drops trailing zeros from the scale and leaves the value as it is.
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value / 1.0000000000000000000000000000m, bits);
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

    public long Hash()
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, digest);
        return BinaryPrimitives.ReadInt64LittleEndian(digest);
    }

    private ActionFingerprint Byte(byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
        return this;
    }
}
