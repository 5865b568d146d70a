namespace Regia.Core.Indicators;

/// <summary>
/// The groups an indicator's figures may have, as an administrator declares them (sex, age bands, and any other list):
/// stored as <c>name=value|value</c> lists joined by <c>;</c> in name order; names in lower case.
/// </summary>
public static class IndicatorBreakdowns
{
    /// <summary>The declared lists by name, in order; empty when the indicator declares none (any group is accepted).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(string? stored) =>
        (stored ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .ToDictionary(
                p => p[0],
                p => (IReadOnlyList<string>)(p.Length > 1 ? p[1].Split('|', StringSplitOptions.RemoveEmptyEntries) : []),
                StringComparer.Ordinal);

    /// <summary>The stored form of declared lists (names trimmed and lower-cased, values trimmed, each once, empty lists dropped).</summary>
    public static string Format(IReadOnlyDictionary<string, IReadOnlyList<string>>? declared) =>
        string.Join(';', (declared ?? new Dictionary<string, IReadOnlyList<string>>())
            .Select(d => (Name: d.Key.Trim().ToLowerInvariant(), Values: d.Value.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList()))
            .Where(d => d.Name.Length > 0 && d.Values.Count > 0)
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.Name + "=" + string.Join('|', d.Values)));

    /// <summary>What is wrong with declared lists, in Italian; null when they can be stored.</summary>
    public static string? Problem(IReadOnlyDictionary<string, IReadOnlyList<string>>? declared)
    {
        foreach (var (name, values) in declared ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (name.Trim().Length == 0 || name.IndexOfAny(['=', ';', '|']) >= 0 || values.Any(v => v.IndexOfAny(['=', ';', '|']) >= 0))
            {
                return $"«{name}»: nomi e valori dei gruppi non contengono = ; |.";
            }
        }

        return Format(declared).Length > 2000 ? "I gruppi dichiarati superano 2000 caratteri." : null;
    }

    /// <summary>
    /// Why a figure's group (<c>eta=18-29;sesso=F</c>) is not among the indicator's declared lists, in Italian; null when
    /// it is, or when the indicator declares none.
    /// </summary>
    public static string? Refusal(string? declared, string breakdown)
    {
        var lists = Parse(declared);
        if (lists.Count == 0 || string.IsNullOrEmpty(breakdown))
        {
            return null;
        }

        foreach (var pair in breakdown.Split(';').Select(p => p.Split('=', 2)))
        {
            if (!lists.TryGetValue(pair[0], out var values) || !values.Contains(pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal))
            {
                return $"il gruppo «{string.Join('=', pair)}» non è tra quelli dichiarati per l'indicatore: {string.Join("; ", lists.Select(l => $"{l.Key} ({string.Join(", ", l.Value)})"))}.";
            }
        }

        return null;
    }
}
