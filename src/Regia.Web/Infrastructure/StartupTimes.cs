using System.Diagnostics;
using System.Globalization;

namespace Regia.Web.Infrastructure;

/// <summary>
/// Where a start's time goes, from the process's start: the runtime and the host, the database's checks, the
/// endpoints, the server. Logged once the site listens, so that an operator (and the benchmarks) can see it. Under a
/// test host the process started long before, so there the first figure says nothing.
/// </summary>
internal sealed partial class StartupTimes
{
    private readonly List<(string Step, TimeSpan At)> marks = [];

    /// <summary>Notes that <paramref name="step"/> ended now.</summary>
    public void Mark(string step) => marks.Add((step, Since()));

    /// <summary>Logs the steps and the whole when the application has started.</summary>
    public void LogWhenStarted(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Mark("server");
            var previous = TimeSpan.Zero;
            var steps = string.Join(", ", marks.Select(m =>
            {
                var step = string.Create(CultureInfo.InvariantCulture, $"{m.Step} {(m.At - previous).TotalMilliseconds:0} ms");
                previous = m.At;
                return step;
            }));
            var total = (long)marks[^1].At.TotalMilliseconds;
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
