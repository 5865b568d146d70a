using System.Diagnostics;
using System.Globalization;

namespace Regia.Web.Infrastructure;

/// <summary>
/// Where a start's time goes, from the process's start: the runtime and the host, the database's checks, the
/// endpoints, the server. Logged once the site listens, so that an operator (and the benchmarks) can see it.
/// </summary>
internal static partial class StartupTimes
{
    private static readonly List<(string Step, TimeSpan At)> Marks = [];

    /// <summary>Notes that <paramref name="step"/> ended now.</summary>
    public static void Mark(string step)
    {
        lock (Marks)
        {
            Marks.Add((step, Since()));
        }
    }

    /// <summary>Logs the steps and the whole when the application has started.</summary>
    public static void LogWhenStarted(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Mark("server");
            string steps;
            lock (Marks)
            {
                var previous = TimeSpan.Zero;
                steps = string.Join(", ", Marks.Select(m =>
                {
                    var step = string.Create(CultureInfo.InvariantCulture, $"{m.Step} {(m.At - previous).TotalMilliseconds:0} ms");
                    previous = m.At;
                    return step;
                }));
            }

            var total = (long)Since().TotalMilliseconds;
            LogStarted(app.Logger, total, steps);
        });
    }

    private static TimeSpan Since()
    {
        using var process = Process.GetCurrentProcess();
        return DateTime.Now - process.StartTime;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Milliseconds} ms after the process: {Steps}")]
    private static partial void LogStarted(ILogger logger, long milliseconds, string steps);
}
