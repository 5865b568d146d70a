using Regia.Core;
using Regia.Core.Actions;

namespace Regia.Web.Infrastructure;

/// <summary>
/// The audit trail's latest entry (<see cref="ActionQueries.LastChangeAsync"/>), which every request for a kept answer
/// asks (<see cref="PublicCache"/>), read once for all the requests that arrive while the previous reading runs.
/// </summary>
/// <remarks>
/// Every caller gets a reading that started after it arrived, so a change committed before a request (on this
/// instance or another) is always seen by it, as when each request asked the database itself. Under load the requests
/// of a moment share one query instead of one each: on PostgreSQL at 32 connections that round trip per request was
/// most of what a kept page cost. Nothing is kept between readings.
/// </remarks>
internal sealed class LatestChange(IServiceScopeFactory scopes)
{
    private readonly Lock sync = new();

    // The reading the callers arriving now will share; it starts when the one running ends (or now, if none runs).
    private TaskCompletionSource<long>? next;
    private bool reading;
    private long readings;

    /// <summary>How many times the database was asked (for tests and diagnostics).</summary>
    public long Readings => Interlocked.Read(ref readings);

    public Task<long> GetAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<long> batch;
        var start = false;
        lock (sync)
        {
            batch = next ??= new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!reading)
            {
                reading = start = true;
            }
        }

        if (start)
        {
            _ = ReadAsync();
        }

        // A caller that gives up leaves the reading to the others.
        return batch.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Reads for each batch in turn while callers keep arriving: a batch is closed to newcomers when its reading starts.</summary>
    private async Task ReadAsync()
    {
        while (true)
        {
            TaskCompletionSource<long> batch;
            lock (sync)
            {
                if (next is null)
                {
                    reading = false;
                    return;
                }

                batch = next;
                next = null;
            }

            try
            {
                Interlocked.Increment(ref readings);
                await using var scope = scopes.CreateAsyncScope();
                // Not cancelled with any one caller: it answers all of them.
                batch.SetResult(await ActionQueries.LastChangeAsync(scope.ServiceProvider.GetRequiredService<RegiaDbContext>(), CancellationToken.None).ConfigureAwait(false));
            }
#pragma warning disable CA1031 // every failure (the database gone, above all) goes to the callers, who decide
            catch (Exception ex)
#pragma warning restore CA1031
            {
                batch.SetException(ex);
            }
        }
    }
}
