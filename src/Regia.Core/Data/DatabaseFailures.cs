using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Regia.Core.Data;

/// <summary>Failures that say the database cannot answer now (not that the request is wrong): worth a 503 and a retry later.</summary>
public static class DatabaseFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> or one it wraps is a connection to PostgreSQL that failed or broke (server
    /// down, restarting, pool exhausted) or SQLite busy or locked past its timeout.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or SqliteException { SqliteErrorCode: 5 or 6 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The server ended the connection before running the statement: administrator shutdown (a restart, fast or
    /// immediate), crash of another backend, or the server still starting. Nothing the statement did was committed,
    /// so running the whole operation again is safe. A connection broken mid-statement (I/O errors) is not retried:
    /// whether a commit landed is then unknown.
    /// </summary>
    public static bool EndedBeforeRunning(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow };

    /// <summary>The connection broke (end of stream, reset, refused): by itself, it does not say whether the statement ran.</summary>
    public static bool IsBrokenConnection(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } npgsql && npgsql is not PostgresException && npgsql.InnerException is IOException or System.Net.Sockets.SocketException;
}

/// <summary>
/// Remembers, per context, whether the last command that failed was the first on a connection just opened from the
/// pool. A pooled connection whose server died since (crash, immediate shutdown) breaks on its first command, which
/// the dead server never received; a connection that breaks later may have run its statement.
/// </summary>
public sealed class FirstCommandInterceptor : DbCommandInterceptor, IDbConnectionInterceptor
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, State> States = [];

    public static FirstCommandInterceptor Instance { get; } = new();

    /// <summary>True when the last failure on <paramref name="context"/> was its connection's first command since opening.</summary>
    public static bool LastFailureWasFirstCommand(DbContext context) => States.TryGetValue(context, out var state) && state.FailedFirst;

    public void ConnectionOpened(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData) => Opened(eventData.Context);

    public Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Opened(eventData.Context);
        return Task.CompletedTask;
    }

    public override System.Data.Common.DbDataReader ReaderExecuted(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, System.Data.Common.DbDataReader result)
    {
        Ran(eventData.Context);
        return result;
    }

    public override ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
    {
        Ran(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Ran(eventData.Context);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Ran(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Ran(eventData.Context);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Ran(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(System.Data.Common.DbCommand command, CommandErrorEventData eventData) => Failed(eventData.Context);

    public override Task CommandFailedAsync(System.Data.Common.DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Opened(DbContext? context)
    {
        if (context is not null)
        {
            var state = States.GetOrCreateValue(context);
            state.Fresh = true;
            state.FailedFirst = false;
        }
    }

    private static void Ran(DbContext? context)
    {
        if (context is not null && States.TryGetValue(context, out var state))
        {
            state.Fresh = false;
        }
    }

    private static void Failed(DbContext? context)
    {
        if (context is not null && States.TryGetValue(context, out var state))
        {
            state.FailedFirst = state.Fresh;
            state.Fresh = false;
        }
    }

    private sealed class State
    {
        public bool Fresh { get; set; }

        public bool FailedFirst { get; set; }
    }
}

/// <summary>
/// PostgreSQL's execution strategy: an operation outside a transaction that meets a connection the server ended
/// (pooled before a restart: the server said so, or the connection broke on its first command) runs again on a fresh
/// one, twice at most, so the first requests after a restart succeed instead of failing on the pool's stale
/// connections. A connection that breaks after a command ran is not retried (a commit may have landed), and inside a
/// transaction of Regia's own nothing is retried (the transaction went with the connection): the request answers 503.
/// </summary>
public sealed class ReconnectingExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, maxRetryCount: 2, maxRetryDelay: TimeSpan.FromSeconds(1))
{
    public override TResult Execute<TState, TResult>(TState state, Func<DbContext, TState, TResult> operation, Func<DbContext, TState, ExecutionResult<TResult>>? verifySucceeded) =>
        InTransaction ? operation(Dependencies.CurrentContext.Context, state) : base.Execute(state, operation, verifySucceeded);

    public override Task<TResult> ExecuteAsync<TState, TResult>(TState state, Func<DbContext, TState, CancellationToken, Task<TResult>> operation, Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded, CancellationToken cancellationToken = default) =>
        InTransaction ? operation(Dependencies.CurrentContext.Context, state, cancellationToken) : base.ExecuteAsync(state, operation, verifySucceeded, cancellationToken);

    protected override bool ShouldRetryOn(Exception exception) =>
        DatabaseFailures.EndedBeforeRunning(exception)
        || (DatabaseFailures.IsBrokenConnection(exception) && FirstCommandInterceptor.LastFailureWasFirstCommand(Dependencies.CurrentContext.Context));

    private bool InTransaction => Dependencies.CurrentContext.Context.Database.CurrentTransaction is not null;
}
