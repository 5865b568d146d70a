namespace Regia.Core.Common;

/// <summary>The day "today" is for the territory's validity dates and the pages: the local calendar day.</summary>
public static class Clock
{
    public static DateOnly Today(this TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetLocalNow().Date);
    }
}
