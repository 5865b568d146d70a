using System.Globalization;
using Regia.Core.Alignment;
using Regia.Core.Common;
using Regia.Core.Importing;

namespace Regia.Core.Indicators;

/// <summary>A PNRR milestone (traguardo, qualitative) or target (obiettivo, quantitative).</summary>
public enum PnrrCommitmentKind
{
    Milestone,
    Target,
}

/// <summary>
/// A milestone or target of the PNRR, as the programme sets it for a measure (national, not the metropolitan city's):
/// its code (<c>M1C1-00-ITA-3</c>), name and description, whether it is agreed with the EU or national, the unit,
/// starting reference and value of a target, and the quarter it is due (<c>2026-Q2</c>).
/// </summary>
public sealed record PnrrMilestoneTarget(
    string Code,
    PnrrCommitmentKind Kind,
    string Measure,
    string Submeasure,
    string Name,
    string Description,
    bool European,
    string? QualitativeIndicator,
    string? Unit,
    decimal? Baseline,
    decimal? Value,
    string Due,
    string? Verification);

/// <summary>A Sustainable Development Goal a PNRR measure serves, and whether it is the measure's prevalent one.</summary>
public readonly record struct PnrrGoal(int Goal, bool Prevalent);

/// <summary>
/// What the PNRR's own reference tables say of a measure: its milestones and targets, the Sustainable Development
/// Goals it serves (prevalent first) and the EU common indicators it reports (as the codes of Regia's indicators).
/// </summary>
public sealed record PnrrMeasureReference(string Measure, IReadOnlyList<PnrrMilestoneTarget> MilestonesAndTargets, IReadOnlyList<PnrrGoal> Goals, IReadOnlyList<string> CommonIndicators)
{
    /// <summary>The goals, prevalent first, each once.</summary>
    public IReadOnlyList<int> Sdgs => [.. Goals.OrderByDescending(g => g.Prevalent).ThenBy(g => g.Goal).Select(g => g.Goal).Distinct()];
}

/// <summary>
/// The PNRR's reference tables Regia ships (embedded, from Italia Domani; see <c>data/SOURCES.md</c>): milestones and
/// targets per measure (<c>PNRR_MeT_OA_programmazione_v03</c>), the measures' mapping to the SDGs
/// (<c>Mappatura_PNRR_SNSvS_Agenda2030_v2</c>) and the EU common indicators each measure reports, with their national
/// progress (<c>OpenData_PNRR_avanzamento_indicatori_comuni_v2</c>). Every figure in them is national.
/// </summary>
public static class PnrrReference
{
    public const string MilestonesFile = "PNRR_MeT_OA_programmazione_v03.csv.gz";
    public const string CommonIndicatorsFile = "OpenData_PNRR_avanzamento_indicatori_comuni_v2.csv.gz";
    public const string SdgFile = "Mappatura_PNRR_SNSvS_Agenda2030_v2.csv.gz";

    private static readonly Lazy<Task<IReadOnlyDictionary<string, PnrrMeasureReference>>> Shipped = new(ReadShippedAsync);

    private static readonly Lazy<Task<ILookup<string, PnrrGoal>>> Goals = new(ReadGoalsAsync);

    /// <summary>Every measure the tables name, by its code (<see cref="PnrrMeasure.Normalize"/>), read once.</summary>
    public static Task<IReadOnlyDictionary<string, PnrrMeasureReference>> ShippedAsync() => Shipped.Value;

    /// <summary>The references of the measures named (duplicates and unknown codes ignored), in code order.</summary>
    public static async Task<IReadOnlyList<PnrrMeasureReference>> ForMeasuresAsync(IEnumerable<string?> measures)
    {
        ArgumentNullException.ThrowIfNull(measures);
        var all = await ShippedAsync().ConfigureAwait(false);
        return [.. measures.Select(PnrrMeasure.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(all.ContainsKey).Select(m => all[m])];
    }

    /// <summary>The SDGs of the measures named: the prevalent goals first, then the others, each once.</summary>
    public static async Task<IReadOnlyList<int>> SdgsOfAsync(IEnumerable<string?> measures)
    {
        var references = await ForMeasuresAsync(measures).ConfigureAwait(false);
        var goals = references.SelectMany(r => r.Goals).ToList();
        return [.. goals.Where(g => g.Prevalent).Select(g => g.Goal).Order().Concat(goals.Select(g => g.Goal).Order()).Distinct()];
    }

    /// <summary>The SDGs of each measure (<c>Mappatura_PNRR_SNSvS_Agenda2030_v2</c>), read once.</summary>
    public static Task<ILookup<string, PnrrGoal>> GoalsAsync() => Goals.Value;

    /// <summary>The rows of the common indicators' progress file, read from the embedded copy.</summary>
    internal static async Task<IReadOnlyList<CommonIndicatorRow>> ReadCommonIndicatorsAsync(CancellationToken cancellationToken = default)
    {
        await using var file = await EmbeddedFiles.OpenAsync(CommonIndicatorsFile, cancellationToken).ConfigureAwait(false);
        var at = file.RequireColumns(["ID Misura", "ID Submisura", "Codice Indicatore", "Descrizione Indicatore", "Unità di misura", "Stock o Flusso", "Anno Ob.", "Semestre", "Valore Indicatore"]);
        var rows = new List<CommonIndicatorRow>();
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            var semester = row.Cell(at["Semestre"]).Trim().ToUpperInvariant() switch
            {
                "PRIMO SEMESTRE" => 1,
                "SECONDO SEMESTRE" => 2,
                var other => throw new TabularFileException(row.Number, $"semestre «{other}» non riconosciuto."),
            };
            var (value, problem) = FigureNumbers.Parse(row.Cell(at["Valore Indicatore"]), NumberNotation.Italian);
            if (problem is not null)
            {
                throw new TabularFileException(row.Number, problem);
            }

            rows.Add(new CommonIndicatorRow(
                PnrrMeasure.Normalize(row.Cell(at["ID Misura"])) ?? throw new TabularFileException(row.Number, "misura non riconosciuta."),
                row.Cell(at["ID Submisura"]).Trim(),
                row.Cell(at["Codice Indicatore"]).Trim(),
                row.Cell(at["Descrizione Indicatore"]).Trim(),
                row.Cell(at["Unità di misura"]).Trim(),
                row.Cell(at["Stock o Flusso"]).Trim(),
                string.Create(CultureInfo.InvariantCulture, $"{int.Parse(row.Cell(at["Anno Ob."]).Trim(), CultureInfo.InvariantCulture)}-S{semester}"),
                value));
        }

        return rows;
    }

    private static async Task<IReadOnlyDictionary<string, PnrrMeasureReference>> ReadShippedAsync()
    {
        var milestones = await ReadMilestonesAsync().ConfigureAwait(false);
        var goals = await GoalsAsync().ConfigureAwait(false);
        var indicators = (await ReadCommonIndicatorsAsync().ConfigureAwait(false))
            .Select(r => (r.Measure, Code: CommonIndicators.Classify(r.RawCode).IndicatorCode)).Distinct().ToLookup(r => r.Measure, r => r.Code, StringComparer.Ordinal);
        var measures = milestones.Select(m => m.Key).Concat(goals.Select(g => g.Key)).Concat(indicators.Select(i => i.Key)).Distinct(StringComparer.Ordinal);
        return measures.ToDictionary(
            m => m,
            m => new PnrrMeasureReference(m, [.. milestones[m]], [.. goals[m].Distinct()], [.. indicators[m].Order(StringComparer.Ordinal)]),
            StringComparer.Ordinal);
    }

    private static async Task<ILookup<string, PnrrMilestoneTarget>> ReadMilestonesAsync()
    {
        await using var file = await EmbeddedFiles.OpenAsync(MilestonesFile).ConfigureAwait(false);
        var at = file.RequireColumns([
            "ID Misura", "ID Submisura", "Codice univoco Milestone-Target", "Milestone-Target", "Nome Milestone-Target",
            "Descrizione specifica di ogni Milestone e Target", "ITA-UE", "Indicatori qualitativi Milestone",
            "Unità di misura Target (riclassificata)", "Riferimento di partenza Target", "Valore-obiettivo Target",
            "Trimestre di conseguimento", "Anno di conseguimento", "OA - Meccanismo di verifica"]);
        var list = new List<PnrrMilestoneTarget>();
        await foreach (var row in file.RowsAsync().ConfigureAwait(false))
        {
            if (PnrrMeasure.Normalize(row.Cell(at["ID Misura"])) is not { } measure)
            {
                continue;
            }

            var kind = row.Cell(at["Milestone-Target"]).Trim().Equals("Target", StringComparison.OrdinalIgnoreCase) ? PnrrCommitmentKind.Target : PnrrCommitmentKind.Milestone;
            list.Add(new PnrrMilestoneTarget(
                row.Cell(at["Codice univoco Milestone-Target"]).Trim(),
                kind,
                measure,
                row.Cell(at["ID Submisura"]).Trim(),
                row.Cell(at["Nome Milestone-Target"]).Trim(),
                row.Cell(at["Descrizione specifica di ogni Milestone e Target"]).Trim(),
                row.Cell(at["ITA-UE"]).Trim().Equals("UE", StringComparison.OrdinalIgnoreCase),
                Stated(row.Cell(at["Indicatori qualitativi Milestone"])),
                Stated(row.Cell(at["Unità di misura Target (riclassificata)"])),
                kind == PnrrCommitmentKind.Target ? Number(row.Cell(at["Riferimento di partenza Target"])) : null,
                kind == PnrrCommitmentKind.Target ? Number(row.Cell(at["Valore-obiettivo Target"])) : null,
                $"{row.Cell(at["Anno di conseguimento"]).Trim()}-{row.Cell(at["Trimestre di conseguimento"]).Trim().ToUpperInvariant()}",
                Stated(row.Cell(at["OA - Meccanismo di verifica"]))));
        }

        // A milestone or target shared by several sub-measures is written once per sub-measure, identical but for
        // the sub-measure (66 of the 1,182 in v03): it is one commitment, of all of them.
        return list.GroupBy(m => (m.Measure, m.Code))
            .Select(g => g.First() with { Submeasure = string.Join(", ", g.Select(m => m.Submeasure).Distinct(StringComparer.Ordinal)) })
            .OrderBy(m => ReportingPeriod.TryParse(m.Due, out var due) ? due.End : DateOnly.MaxValue).ThenBy(m => m.Code, StringComparer.Ordinal)
            .ToLookup(m => m.Measure, StringComparer.Ordinal);
    }

    private static async Task<ILookup<string, PnrrGoal>> ReadGoalsAsync()
    {
        await using var file = await EmbeddedFiles.OpenAsync(SdgFile).ConfigureAwait(false);
        var at = file.RequireColumns(["ID Misura", "PREVALENTE", "GOAL"]);
        var list = new List<(string Measure, PnrrGoal Goal)>();
        await foreach (var row in file.RowsAsync().ConfigureAwait(false))
        {
            if (PnrrMeasure.Normalize(row.Cell(at["ID Misura"])) is { } measure
                && int.TryParse(row.Cell(at["GOAL"]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var goal) && goal is >= 1 and <= 17)
            {
                list.Add((measure, new PnrrGoal(goal, row.Cell(at["PREVALENTE"]).Trim().Equals("si", StringComparison.OrdinalIgnoreCase))));
            }
        }

        return list.OrderByDescending(g => g.Goal.Prevalent).ThenBy(g => g.Goal.Goal).ToLookup(g => g.Measure, g => g.Goal, StringComparer.Ordinal);
    }

    // "N/A" and "n.c." say that nothing is stated.
    private static string? Stated(string text) => text.Trim() is { Length: > 0 } t && !t.Equals("N/A", StringComparison.OrdinalIgnoreCase) && !t.Equals("n.c.", StringComparison.OrdinalIgnoreCase) ? t : null;

    // The file writes numbers in Italian notation ("4.083,00"); "N/A" is no number.
    private static decimal? Number(string text) => Stated(text) is { } t ? FigureNumbers.Parse(t, NumberNotation.Italian).Value : null;
}

/// <summary>A row of the common indicators' progress: the national value of one indicator code for one sub-measure in one semester.</summary>
internal sealed record CommonIndicatorRow(string Measure, string Submeasure, string RawCode, string Description, string Unit, string Nature, string Period, decimal? Value);
