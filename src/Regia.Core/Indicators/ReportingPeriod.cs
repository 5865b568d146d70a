using System.Globalization;
using System.Text.RegularExpressions;

namespace Regia.Core.Indicators;

/// <summary>How long a measurement's period is.</summary>
public enum PeriodKind
{
    Year,
    Semester,
    Quarter,
    Day,
}

/// <summary>
/// The period a figure refers to: a year (<c>2024</c>), a semester (<c>2024-S1</c>), a quarter (<c>2024-Q3</c>) or a
/// day (<c>2024-05-31</c>). Periods order by their last day (the longer first when two end together); a trajectory
/// places each figure there.
/// </summary>
public readonly partial record struct ReportingPeriod(PeriodKind Kind, int Year, int Part, DateOnly Day) : IComparable<ReportingPeriod>
{
    /// <summary>The first day of the period.</summary>
    public DateOnly Start => Kind switch
    {
        PeriodKind.Year => new DateOnly(Year, 1, 1),
        PeriodKind.Semester => new DateOnly(Year, Part == 1 ? 1 : 7, 1),
        PeriodKind.Quarter => new DateOnly(Year, ((Part - 1) * 3) + 1, 1),
        _ => Day,
    };

    /// <summary>The last day of the period.</summary>
    public DateOnly End => Kind switch
    {
        PeriodKind.Year => new DateOnly(Year, 12, 31),
        PeriodKind.Semester => Part == 1 ? new DateOnly(Year, 6, 30) : new DateOnly(Year, 12, 31),
        PeriodKind.Quarter => new DateOnly(Year, Part * 3, 1).AddMonths(1).AddDays(-1),
        _ => Day,
    };

    public int CompareTo(ReportingPeriod other)
    {
        var byEnd = End.CompareTo(other.End);
        return byEnd != 0 ? byEnd : Kind.CompareTo(other.Kind);
    }

    /// <summary>The period as written in files and the API.</summary>
    public override string ToString() => Kind switch
    {
        PeriodKind.Year => Year.ToString(CultureInfo.InvariantCulture),
        PeriodKind.Semester => string.Create(CultureInfo.InvariantCulture, $"{Year}-S{Part}"),
        PeriodKind.Quarter => string.Create(CultureInfo.InvariantCulture, $"{Year}-Q{Part}"),
        _ => Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a period (<c>2024</c>, <c>2024-S2</c>, <c>2024-Q3</c>, <c>2024-05-31</c>; case and spaces ignored).</summary>
    public static bool TryParse(string? text, out ReportingPeriod period)
    {
        period = default;
        var compact = text?.Trim().ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(compact))
        {
            return false;
        }

        var match = Shape().Match(compact);
        if (!match.Success)
        {
            if (!DateOnly.TryParseExact(compact, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return false;
            }

            period = new ReportingPeriod(PeriodKind.Day, day.Year, 0, day);
            return true;
        }

        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        if (year is < 1900 or > 2200)
        {
            return false;
        }

        if (!match.Groups["kind"].Success)
        {
            period = new ReportingPeriod(PeriodKind.Year, year, 0, default);
            return true;
        }

        var part = match.Groups["part"].Value[0] - '0';
        var kind = match.Groups["kind"].Value == "S" ? PeriodKind.Semester : PeriodKind.Quarter;
        if (part < 1 || part > (kind == PeriodKind.Semester ? 2 : 4))
        {
            return false;
        }

        period = new ReportingPeriod(kind, year, part, default);
        return true;
    }

    /// <summary>Reads a period, or says why it cannot (in Italian).</summary>
    /// <exception cref="FormatException">Not a period.</exception>
    public static ReportingPeriod Parse(string? text) => TryParse(text, out var period)
        ? period
        : throw new FormatException($"«{text}» non è un periodo: scrivere un anno (2024), un semestre (2024-S1), un trimestre (2024-Q3) o una data (2024-05-31).");

    public static bool operator <(ReportingPeriod left, ReportingPeriod right) => left.CompareTo(right) < 0;

    public static bool operator >(ReportingPeriod left, ReportingPeriod right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReportingPeriod left, ReportingPeriod right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReportingPeriod left, ReportingPeriod right) => left.CompareTo(right) >= 0;

    [GeneratedRegex(@"^(?<year>\d{4})(-(?<kind>[SQT])(?<part>\d))?$")]
    private static partial Regex Shape();
}
