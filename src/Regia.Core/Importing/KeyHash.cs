namespace Regia.Core.Importing;

/// <summary>
/// 64 bits that stand for an import key (a CUP, an external id), so that a million keys cost 8 bytes each instead of
/// their text. FNV-1a over the characters, then the SplitMix64 finaliser to spread similar keys (CUPs differ in a few
/// digits); not cryptographic, and it need not be: the keys come from the file being read, and among a million keys
/// the chance of any two colliding is about one in 36 million.
/// </summary>
internal static class KeyHash
{
    public static ulong Of(ReadOnlySpan<char> key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
