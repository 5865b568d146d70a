using Regia.Core.Importing;

namespace Regia.Tests;

/// <summary>The compact map an import keeps a key per row in: every key found again, with its first value, as it grows.</summary>
public sealed class KeyMapTests
{
    [Fact]
    public void Every_key_keeps_its_first_value_through_growth_and_a_repeated_key_is_reported_with_it()
    {
        var map = new KeyMap();
        const int count = 300_000;
        for (var i = 0; i < count; i++)
        {
            // CUP-like keys that differ in a few digits, as real files have.
            Assert.True(map.TryAdd(KeyHash.Of($"Z99Z{i:00000000000}/GEN_{i}"), i + 2, out _));
        }

        Assert.Equal(count, map.Count);
        Assert.False(map.TryAdd(KeyHash.Of("Z99Z00000012345/GEN_12345"), 99, out var first));
        Assert.Equal(12347, first);
        for (var i = 0; i < count; i += 997)
        {
            Assert.True(map.TryGetValue(KeyHash.Of($"Z99Z{i:00000000000}/GEN_{i}"), out var value));
            Assert.Equal(i + 2, value);
        }

        Assert.False(map.Contains(KeyHash.Of("Z99Z99999999999/GEN_X")));
        map.Set(0, 7); // a key whose hash is zero is a key like any other
        Assert.True(map.TryGetValue(0, out var zero));
        Assert.Equal(7, zero);
        map.Set(0, 8);
        Assert.True(map.TryGetValue(0, out zero));
        Assert.Equal((8, count + 1), (zero, map.Count));
    }

    [Fact]
    public void Keys_that_differ_only_by_case_or_a_digit_hash_apart()
    {
        var hashes = new HashSet<ulong>();
        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(hashes.Add(KeyHash.Of($"E21C22{i:000000000}")));
        }

        Assert.NotEqual(KeyHash.Of("e21c22000040006"), KeyHash.Of("E21C22000040006"));
    }
}
