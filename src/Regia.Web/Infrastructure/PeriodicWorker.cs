namespace Regia.Web.Infrastructure;

/// <summary>
/// A background job that runs one round at start-up and then at a fixed interval, each round in its own scope. A
/// failed round (the database restarting, say) is logged and the next one tried: the worker never stops on its own.
/// </summary>
internal abstract partial class PeriodicWorker(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job is called in the log when a round fails.</summary>
    protected abstract string Name { get; }

    protected abstract Task RunRoundAsync(IServiceProvider services, CancellationToken stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the host starts listening without waiting for the first round's queries to compile.
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, Clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunRoundAsync(scope.ServiceProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round must not stop the worker (the database may be restarting): it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(Logger, Name, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job}: the round failed; the next one will try again")]
    private static partial void LogFailed(ILogger logger, string job, Exception exception);
}
