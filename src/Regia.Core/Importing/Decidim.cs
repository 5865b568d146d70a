using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Common;
using Regia.Core.Exports;

namespace Regia.Core.Importing;

/// <summary>
/// What a Decidim import needs to know that Decidim does not say: who leads the results and which mission they serve
/// (null: the alignment engine suggests each result's, as a suggestion; the result counts in no mission until
/// someone states one).
/// </summary>
public sealed record DecidimImportOptions(int LeadOrganizationId, int? Mission, PublicationState Publication = PublicationState.Published);

/// <summary>
/// Decidim's accountability results (CSV as Decidim exports them: <c>id</c>, <c>parent/id</c>, <c>title/&lt;locale&gt;</c>,
/// <c>description/&lt;locale&gt;</c>, <c>start_date</c>, <c>end_date</c>, <c>status/…</c>, <c>progress</c>, and where present
/// <c>weight</c> and <c>external_id</c>). Each result becomes an action keyed <c>decidim:&lt;id&gt;</c> (or its
/// <c>external_id</c>); sub-results keep their parent; the text is taken in Italian, else English, else the first
/// locale that has it; descriptions lose their HTML. Decidim files are small (a component's results), so the rows are
/// read whole to put parents before their children.
/// </summary>
public sealed partial class DecidimSource : IActionSource
{
    private static readonly string[] Required = ["id", "parent/id", "start_date", "end_date", "progress"];

    private readonly TabularFile file;
    private readonly Dictionary<string, int> column;
    private readonly DecidimImportOptions options;
    private double fraction;

    private DecidimSource(TabularFile file, Dictionary<string, int> column, DecidimImportOptions options)
    {
        this.file = file;
        this.column = column;
        this.options = options;
    }

    public IReadOnlyList<string> Headers => file.Headers;

    public double? Fraction => fraction;

    /// <exception cref="TabularFileException">Decidim's columns are missing (a title in at least one locale is required).</exception>
    public static DecidimSource Open(TabularFile file, DecidimImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        file.RequireColumns(Required);
        var column = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < file.Headers.Count; i++)
        {
            column.TryAdd(file.Headers[i].Trim(), i);
        }

        if (!column.Keys.Any(k => k.StartsWith("title/", StringComparison.OrdinalIgnoreCase)))
        {
            throw new TabularFileException(1, "manca il titolo: servono colonne «title/<lingua>» (es. title/it, title/en).");
        }

        return new DecidimSource(file, column, options);
    }

    public string ColumnOf(string field) => field switch
    {
        "title" => TitleColumn ?? "title",
        "key" or "externalId" => "id",
        "parentId" => "parent/id",
        "plannedStart" => "start_date",
        "plannedEnd" => "end_date",
        "progress" => "progress",
        "weight" => "weight",
        _ => field,
    };

    private string? TitleColumn => Locales("title").FirstOrDefault();

    public async IAsyncEnumerable<SourceRow> ReadAsync(ImportContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = new List<TabularRow>();
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        fraction = 0.5;
        var byId = rows.GroupBy(r => Cell(r, "id")).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var done = 0;
        foreach (var row in rows.OrderBy(r => Depth(r, byId)).ThenBy(r => r.Number))
        {
            fraction = 0.5 + (0.5 * ++done / rows.Count);
            yield return Map(row, byId, context.References);
        }
    }

    private int Depth(TabularRow row, Dictionary<string, TabularRow> byId)
    {
        var depth = 0;
        for (var parent = Cell(row, "parent/id"); parent.Length > 0 && depth < 20 && byId.TryGetValue(parent, out var next); parent = Cell(next, "parent/id"))
        {
            depth++;
        }

        return depth;
    }

    private SourceRow Map(TabularRow row, Dictionary<string, TabularRow> byId, ActionReferences references)
    {
        var errors = new List<CellError>();
        var id = Cell(row, "id");
        if (id.Length == 0)
        {
            errors.Add(new CellError("id", "manca l'identificativo del risultato."));
        }

        var external = KeyOf(row);
        var parent = Cell(row, "parent/id");
        var title = ImportCells.Text(Plain(Localized(row, "title")), TitleColumn ?? "title", errors);
        var progress = Number(row, "progress", errors);
        if (progress is { } p)
        {
            progress = Math.Round(p, 2);
        }

        // A category naming a plan objective or mission (as Regia's own export writes it) links the result there.
        var category = Cell(row, "category/name/it").ToUpperInvariant();
        var objective = references.Objectives.ContainsKey(category) ? category : null;
        var mission = objective is null && category.Length == 2 && category[0] == 'M' && char.IsAsciiDigit(category[1]) ? category[1] - '0' : options.Mission;
        var input = new ActionInput
        {
            Title = title,
            Description = Plain(Localized(row, "description")) is { Length: > 0 } description ? description : null,
            LeadOrganizationId = options.LeadOrganizationId,
            PrimaryObjective = objective,
            Mission = objective is null ? mission : null,
            MissionPending = objective is null && mission is null,
            Status = Status(row, progress, references),
            Progress = progress,
            Weight = column.ContainsKey("weight") ? Number(row, "weight", errors) ?? 1 : 1,
            ExternalId = external,
            PlannedStart = Date(row, "start_date", errors),
            PlannedEnd = Date(row, "end_date", errors),
            Scope = ActionScope.Metropolitan,
            Publication = options.Publication,
        };
        return new SourceRow(row.Number, new ImportKey(null, external, null, null), errors.Count == 0 ? input : null, errors, row.Cells)
        {
            Label = title,
            // A category naming an objective states the result's objectives; otherwise the file says nothing of them,
            // and the objectives (or mission) people linked in Regia stay.
            StatesObjectives = objective is not null,
            ParentKey = parent.Length == 0 ? null : byId.TryGetValue(parent, out var parentRow) ? KeyOf(parentRow) : "decidim:" + parent,
        };
    }

    /// <summary>A result's key: its <c>external_id</c> when the file gives one, else <c>decidim:&lt;id&gt;</c>.</summary>
    private string KeyOf(TabularRow row) =>
        column.ContainsKey("external_id") && Cell(row, "external_id") is { Length: > 0 } given ? given : "decidim:" + Cell(row, "id");

    /// <summary>
    /// Regia's status whose code is the result's status key or whose name is its status name (in any locale);
    /// otherwise one read from the progress (Decidim's statuses are each component's own).
    /// </summary>
    private string Status(TabularRow row, decimal? progress, ActionReferences references)
    {
        var key = Cell(row, "status/key");
        if (references.Statuses.ContainsKey(key))
        {
            return key;
        }

        foreach (var name in Locales("status/name").Select(c => Cell(row, c)).Where(n => n.Length > 0))
        {
            if (references.Statuses.Values.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)) is { } status)
            {
                return status.Code;
            }
        }

        return progress switch
        {
            >= 100 => "conclusa",
            null or 0 => "pianificata",
            _ => "in-corso",
        };
    }

    /// <summary>The text in Italian, else English, else the first locale that has it.</summary>
    private string Localized(TabularRow row, string field)
    {
        foreach (var name in Locales(field))
        {
            if (Cell(row, name) is { Length: > 0 } text)
            {
                return text;
            }
        }

        return string.Empty;
    }

    private IEnumerable<string> Locales(string field)
    {
        var prefix = field + "/";
        var all = column.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && k.Count(c => c == '/') == prefix.Count(c => c == '/')).ToList();
        string[] preferred = [prefix + "it", prefix + "en"];
        return preferred.Where(all.Contains).Concat(all.Where(k => !preferred.Contains(k, StringComparer.OrdinalIgnoreCase)));
    }

    private string Cell(TabularRow row, string name) => column.TryGetValue(name, out var index) ? row.Cell(index).Trim() : string.Empty;

    private decimal? Number(TabularRow row, string name, List<CellError> errors)
    {
        var text = Cell(row, name);
        if (text.Length == 0)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(new CellError(name, $"«{text}» non è un numero."));
        return null;
    }

    private DateOnly? Date(TabularRow row, string name, List<CellError> errors)
    {
        var text = Cell(row, name);
        if (text.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Length >= 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(new CellError(name, $"«{text}» non è una data AAAA-MM-GG."));
        return null;
    }

    /// <summary>Decidim's rich text as plain text: paragraphs and line breaks kept as new lines, tags dropped, entities decoded.</summary>
    public static string Plain(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = BlockEnd().Replace(html, "\n");
        text = Tag().Replace(text, string.Empty);
        text = WebUtility.HtmlDecode(text).Replace('\u00A0', ' ');
        var lines = text.Split('\n').Select(l => Spaces().Replace(l, " ").Trim()).Where(l => l.Length > 0);
        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"<\s*(br\s*/?|/\s*(p|div|li|h[1-6]|ul|ol|blockquote))\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\r]+")]
    private static partial Regex Spaces();
}

/// <summary>Regia's actions as Decidim accountability results, so that a city can move back to Decidim.</summary>
public static class DecidimExport
{
    /// <summary>Decidim's column names; <c>external_id</c> carries the key the action came with (or <c>regia:&lt;id&gt;</c>).</summary>
    public static readonly IReadOnlyList<TabularColumn<DecidimResult>> Columns =
    [
        new("id", r => r.Id),
        new("parent/id", r => r.ParentId),
        new("title/it", r => r.Title),
        new("description/it", r => r.Description is null ? null : string.Concat(r.Description.Split('\n').Select(p => "<p>" + WebUtility.HtmlEncode(p) + "</p>"))),
        new("start_date", r => r.Start),
        new("end_date", r => r.End),
        new("status/key", r => r.StatusCode),
        new("status/name/it", r => r.StatusName),
        new("progress", r => r.Progress),
        new("weight", r => r.Weight),
        new("external_id", r => r.ExternalId),
        new("category/name/it", r => r.Category),
        new("url", r => r.Url),
    ];

    /// <summary>
    /// The published actions (drafts too, when asked) as results, by id, read 1,000 at a time after the last id read so
    /// that memory stays flat. A parent that is not exported (a draft) is left out of its children's <c>parent/id</c>.
    /// Decidim's order does not matter: the import puts parents before children itself.
    /// </summary>
    public static async IAsyncEnumerable<DecidimResult> ResultsAsync(RegiaDbContext db, bool includeDrafts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        const int BatchSize = 1000;
        var rows = Keyset.ReadAsync(
            BatchSize,
            (last, cancel) => db.Actions.AsNoTracking()
                .Where(a => a.Id > (last ?? 0) && (includeDrafts || a.Publication == PublicationState.Published))
                .OrderBy(a => a.Id).Take(BatchSize)
                .Select(a => new
                {
                    a.Id,
                    ParentId = includeDrafts ? a.ParentId : db.Actions.Where(p => p.Id == a.ParentId && p.Publication == PublicationState.Published).Select(p => (int?)p.Id).FirstOrDefault(),
                    a.Title,
                    a.Description,
                    a.PlannedStart,
                    a.PlannedEnd,
                    Status = a.Status!.Code,
                    StatusName = a.Status.Name,
                    a.Progress,
                    a.Weight,
                    a.ExternalId,
                    Primary = a.Objectives.Where(o => o.IsPrimary).Select(o => o.Objective!.Code).FirstOrDefault(),
                    Mission = a.Mission != null ? a.Mission.Number : (int?)null,
                }).ToListAsync(cancel),
            r => r.Id,
            cancellationToken);
        await foreach (var r in rows.ConfigureAwait(false))
        {
            yield return new DecidimResult(
                r.Id, r.ParentId, r.Title, r.Description, r.PlannedStart, r.PlannedEnd,
                r.Status, r.StatusName, r.Progress, r.Weight, r.ExternalId ?? string.Create(CultureInfo.InvariantCulture, $"regia:{r.Id}"),
                r.Primary ?? (r.Mission is { } m ? string.Create(CultureInfo.InvariantCulture, $"M{m}") : null),
                string.Create(CultureInfo.InvariantCulture, $"/azioni/{r.Id}"));
        }
    }
}

/// <summary>An action as a Decidim result row.</summary>
public sealed record DecidimResult(
    int Id,
    int? ParentId,
    string Title,
    string? Description,
    DateOnly? Start,
    DateOnly? End,
    string StatusCode,
    string StatusName,
    decimal? Progress,
    decimal Weight,
    string ExternalId,
    string? Category,
    string Url);
