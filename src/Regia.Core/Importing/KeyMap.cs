namespace Regia.Core.Importing;

/// <summary>
/// A map from 64-bit key hashes (<see cref="KeyHash"/>) to an int, in two flat arrays with open addressing: 12 bytes
/// a slot, at most two slots a key, where a <see cref="Dictionary{TKey, TValue}"/> spends about 28 bytes a key and
/// doubles that while it grows. An import keeps one entry per row of a file of millions of rows.
/// </summary>
internal sealed class KeyMap
{
    private ulong[] keys = new ulong[1024];
    private int[] values = new int[1024];

    public int Count { get; private set; }

    /// <summary>Adds the key with its value; false (and the value already there) when the key is present.</summary>
    public bool TryAdd(ulong key, int value, out int existing)
    {
        if ((Count + 1) * 2 > keys.Length)
        {
            Grow();
        }

        var slot = Find(keys, Stored(key));
        if (keys[slot] != 0)
        {
            existing = values[slot];
            return false;
        }

        keys[slot] = Stored(key);
        values[slot] = value;
        Count++;
        existing = 0;
        return true;
    }

    /// <summary>Sets the key's value, adding the key if absent.</summary>
    public void Set(ulong key, int value)
    {
        if (!TryAdd(key, value, out _))
        {
            values[Find(keys, Stored(key))] = value;
        }
    }

    public bool TryGetValue(ulong key, out int value)
    {
        var slot = Find(keys, Stored(key));
        value = values[slot];
        return keys[slot] != 0;
    }

    public bool Contains(ulong key) => TryGetValue(key, out _);

    /// <summary>Zero marks an empty slot, so a key that hashes to zero is stored as one (a collision no likelier than any other).</summary>
    private static ulong Stored(ulong key) => key == 0 ? 1 : key;

    private static int Find(ulong[] keys, ulong key)
    {
        var mask = keys.Length - 1;
        var slot = (int)(key & (ulong)mask);
        while (keys[slot] != 0 && keys[slot] != key)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private void Grow()
    {
        var (oldKeys, oldValues) = (keys, values);
        keys = new ulong[oldKeys.Length * 2];
        values = new int[oldKeys.Length * 2];
        for (var i = 0; i < oldKeys.Length; i++)
        {
            if (oldKeys[i] != 0)
            {
                var slot = Find(keys, oldKeys[i]);
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }
}
