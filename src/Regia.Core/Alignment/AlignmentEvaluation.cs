using System.Globalization;
using System.Text;
using Regia.Core.Importing;

namespace Regia.Core.Alignment;

/// <summary>A PNRR project as the evaluation reads it: its text, measure, official mission and the provinces it is located in.</summary>
public sealed record LabelledProject(string Cup, string Title, string? Description, string? Body, string? Measure, int Mission, IReadOnlyList<int> Provinces)
{
    /// <summary>The province the project is counted in: its first by code (0 when it has no localisation).</summary>
    public int Province => Provinces.Count > 0 ? Provinces[0] : 0;

    public AlignmentQuery Query(bool withMeasure) => new(Title, Description, withMeasure ? Measure : null, Body);

    public AlignmentExample Example(bool withMeasure) => new(Query(false).Text, withMeasure ? Measure : null, Mission);
}

/// <summary>How well missions were predicted: accuracy, per-mission precision, recall and F1, macro-F1 and the confusion matrix.</summary>
public sealed class MissionMetrics(IReadOnlyList<int> missions, IReadOnlyCollection<int> leftOutOfMacro)
{
    private readonly Dictionary<(int Actual, int Predicted), int> confusion = [];

    public int Count { get; private set; }

    public void Add(int actual, int predicted)
    {
        confusion[(actual, predicted)] = confusion.GetValueOrDefault((actual, predicted)) + 1;
        Count++;
    }

    public double Accuracy => Count == 0 ? 0 : (double)missions.Sum(m => Cell(m, m)) / Count;

    public int Cell(int actual, int predicted) => confusion.GetValueOrDefault((actual, predicted));

    public int Support(int mission) => missions.Sum(p => Cell(mission, p));

    public double Precision(int mission) => Ratio(Cell(mission, mission), missions.Sum(a => Cell(a, mission)));

    public double Recall(int mission) => Ratio(Cell(mission, mission), Support(mission));

    public double F1(int mission) => Precision(mission) + Recall(mission) is var sum and > 0 ? 2 * Precision(mission) * Recall(mission) / sum : 0;

    /// <summary>The mean F1 of the missions with examples, less those left out (mission 3: the PNRR files hold almost none).</summary>
    public double MacroF1 => missions.Where(m => !leftOutOfMacro.Contains(m) && Support(m) > 0).Select(F1).DefaultIfEmpty(0).Average();

    /// <summary>A plain-text report: the figures, a line per mission and the confusion matrix (rows: official mission; columns: predicted).</summary>
    public string Report(string title)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(title);
        text.AppendLine(string.Create(c, $"  projects {Count:N0}; accuracy {Accuracy:0.000}; macro-F1 {MacroF1:0.000} (without {string.Join(", ", leftOutOfMacro.Select(m => "M" + m))})"));
        text.AppendLine("  mission  support  precision  recall     F1");
        foreach (var m in missions)
        {
            text.AppendLine(string.Create(c, $"  M{m}       {Support(m),7:N0}  {Precision(m),9:0.000}  {Recall(m),6:0.000}  {F1(m),5:0.000}"));
        }

        text.AppendLine("  confusion (rows: official mission, columns: engine's)");
        text.AppendLine("         " + string.Concat(missions.Select(m => $"{"M" + m,7}")));
        foreach (var a in missions)
        {
            text.AppendLine(string.Create(c, $"  M{a}    ") + string.Concat(missions.Select(p => string.Create(c, $"{Cell(a, p),7:N0}"))));
        }

        return text.ToString();
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}

/// <summary>
/// Measures the engine on labelled PNRR projects the way that predicts unseen places: the projects are split by
/// province, the engine learns from some provinces and is asked about the others, and a CUP never sits on both sides.
/// </summary>
public static class AlignmentEvaluation
{
    /// <summary>Mission 3 is left out of the macro average: the PNRR files hold almost no M3 projects.</summary>
    public static readonly IReadOnlyCollection<int> LeftOutOfMacro = [3];

    /// <summary>Reads Italia Domani's "Progetti" with their provinces from "Localizzazioni" (the source's own columns, as <c>import pnrr</c> reads them); one project per CUP.</summary>
    public static async Task<List<LabelledProject>> ReadPnrrAsync(string projectsPath, string locationsPath, CancellationToken cancellationToken = default)
    {
        var provinces = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        await using (var locations = await TabularFile.OpenPathAsync(locationsPath, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var at = locations.RequireColumns(["CUP", "Codice Provincia"]);
            await foreach (var row in locations.RowsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (int.TryParse(row.Cell(at["Codice Provincia"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var province))
                {
                    var cup = row.Cell(at["CUP"]).Trim().ToUpperInvariant();
                    if (!provinces.TryGetValue(cup, out var set))
                    {
                        provinces[cup] = set = [];
                    }

                    set.Add(province);
                }
            }
        }

        var projects = new List<LabelledProject>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using var file = await TabularFile.OpenPathAsync(projectsPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        var column = file.RequireColumns(["Missione", "ID Misura", "CUP", "Titolo progetto", "Sintesi progetto", "Soggetto attuatore"]);
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            string Cell(string name) => row.Cell(column[name]).Trim();
            var cup = Cell("CUP").ToUpperInvariant();
            var mission = Cell("Missione");
            if (cup.Length == 0 || !seen.Add(cup) || mission.Length != 2 || mission[0] != 'M' || !char.IsAsciiDigit(mission[1]))
            {
                continue;
            }

            projects.Add(new LabelledProject(cup, Cell("Titolo progetto"), Cell("Sintesi progetto"), Cell("Soggetto attuatore"), Cell("ID Misura"), mission[1] - '0',
                provinces.TryGetValue(cup, out var p) ? [.. p] : []));
        }

        return projects;
    }

    /// <summary>
    /// Cross-validation by province: the provinces, in code order, are dealt into <paramref name="folds"/> groups; for
    /// each group the engine learns from the projects of the others and predicts the group's. A project in several
    /// provinces belongs to the group of its first; every project is predicted once.
    /// </summary>
    public static MissionMetrics ByProvince(AlignmentPlan plan, IReadOnlyList<LabelledProject> projects, int folds, bool withMeasure = false, AlignmentSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(projects);
        var provinces = projects.Select(p => p.Province).Distinct().Order().ToList();
        var group = provinces.Select((p, i) => (p, i % folds)).ToDictionary(x => x.p, x => x.Item2);
        var metrics = new MissionMetrics([.. plan.Missions.Select(m => m.Number)], LeftOutOfMacro);
        for (var fold = 0; fold < folds; fold++)
        {
            var test = projects.Where(p => group[p.Province] == fold).ToList();
            var model = AlignmentModel.Train(plan, projects.Where(p => group[p.Province] != fold).Select(p => p.Example(withMeasure)), settings);
            foreach (var project in test)
            {
                metrics.Add(project.Mission, model.Suggest(project.Query(withMeasure)).TopMission?.Mission ?? 0);
            }
        }

        return metrics;
    }

    /// <summary>The engine from the plan's texts alone, asked about every project.</summary>
    public static MissionMetrics ColdStart(AlignmentPlan plan, IReadOnlyList<LabelledProject> projects, AlignmentSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(projects);
        var model = AlignmentModel.Train(plan, [], settings);
        var metrics = new MissionMetrics([.. plan.Missions.Select(m => m.Number)], LeftOutOfMacro);
        foreach (var project in projects)
        {
            metrics.Add(project.Mission, model.Suggest(project.Query(false)).TopMission?.Mission ?? 0);
        }

        return metrics;
    }
}
