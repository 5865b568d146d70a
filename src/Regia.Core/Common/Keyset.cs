using System.Runtime.CompilerServices;

namespace Regia.Core.Common;

/// <summary>
/// A long list read a batch at a time, each batch the next rows after the last key read (keyset paging): every
/// batch costs the same however far the reading has got, where OFFSET re-reads everything before it, and memory
/// holds one batch. The caller's query says the order and the comparison; a batch shorter than asked is the last.
/// </summary>
public static class Keyset
{
    /// <param name="size">Rows a batch asks for.</param>
    /// <param name="batchAfter">The next batch after the given key (null: the first batch), at most <paramref name="size"/> rows, in key order.</param>
    /// <param name="keyOf">A row's key.</param>
    /// <param name="cancellationToken">Passed to each batch's read.</param>
    public static async IAsyncEnumerable<T> ReadAsync<T>(int size, Func<int?, CancellationToken, Task<List<T>>> batchAfter, Func<T, int> keyOf, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batchAfter);
        ArgumentNullException.ThrowIfNull(keyOf);
        int? last = null;
        while (true)
        {
            var batch = await batchAfter(last, cancellationToken).ConfigureAwait(false);
            foreach (var row in batch)
            {
                yield return row;
            }

            if (batch.Count < size)
            {
                yield break;
            }

            last = keyOf(batch[^1]);
        }
    }
}
