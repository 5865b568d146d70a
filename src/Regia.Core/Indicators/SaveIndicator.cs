using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Plans;
using Regia.Core.Proposals;

namespace Regia.Core.Indicators;

/// <summary>A value an indicator should reach by a period (<see cref="ReportingPeriod"/>).</summary>
public sealed record TargetInput(string Period, decimal Value);

/// <summary>Everything the planning office states about an indicator, from the form, the API or an import of definitions.</summary>
public sealed record IndicatorInput
{
    /// <summary>Unique, 2–32 letters, digits, dots and hyphens (e.g. <c>POP-RES</c>); stored in capitals.</summary>
    public required string Code { get; init; }

    public required string Name { get; init; }

    public string? NameEn { get; init; }

    public string? Description { get; init; }

    public string? DescriptionEn { get; init; }

    public required string Unit { get; init; }

    public IndicatorDirection Direction { get; init; }

    public decimal? RangeLow { get; init; }

    public decimal? RangeHigh { get; init; }

    /// <summary>The share (0–1) of the way from baseline to target a value may fall short of the path and still be on track.</summary>
    public decimal Tolerance { get; init; } = 0.1m;

    public AggregationRule Aggregation { get; init; }

    public string? Source { get; init; }

    public string? Licence { get; init; }

    public string? Frequency { get; init; }

    public string? BaselinePeriod { get; init; }

    public decimal? BaselineValue { get; init; }

    public IReadOnlyList<TargetInput> Targets { get; init; } = [];

    /// <summary>Sustainable Development Goals served, 1–17.</summary>
    public IReadOnlyList<int> Sdgs { get; init; } = [];

    /// <summary>Codes of the current plan's objectives it measures (e.g. <c>M2.12</c>).</summary>
    public IReadOnlyList<string> Objectives { get; init; } = [];

    /// <summary>Ids of the actions it measures: their lead organisations' editors report its figures.</summary>
    public IReadOnlyList<int> Actions { get; init; } = [];

    /// <summary>Demo or generated data, labelled as such wherever it shows.</summary>
    public bool IsDemo { get; init; }

    /// <summary>
    /// The groups its figures may have, by name, each with its values (e.g. <c>sesso</c>: F, M; <c>eta</c>: 0-17, 18-29);
    /// figures in other groups are refused. None declared: any group is accepted.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Breakdowns { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>The indicator changed since it was read; nothing was written.</summary>
public sealed class IndicatorConcurrencyException(string code, int expected, int actual)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"L'indicatore {code} è stato modificato da altri (versione {actual}, attesa {expected}): ricaricarlo e ripetere la modifica."))
{
    public int CurrentVersion { get; } = actual;
}

/// <summary>
/// Creates, changes and removes indicators. Definitions are the planning office's: administrators and reviewers
/// only (editors report figures, see <see cref="RecordFigures"/>). Every change is checked whole before anything is
/// written, carries the version it was based on, and is audited.
/// </summary>
public static partial class SaveIndicator
{
    /// <exception cref="ActionForbiddenException">The caller is not a reviewer or administrator.</exception>
    /// <exception cref="ActionValidationException">The input breaks a rule; each field says why, in Italian.</exception>
    public static async Task<Indicator> CreateAsync(RegiaDbContext db, IndicatorInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        RequireReviewer(db);
        var links = await ValidateAsync(db, input, null, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        var indicator = new Indicator { Code = input.Code.Trim().ToUpperInvariant(), Name = "", Unit = "", CreatedAtUtc = now, Version = 1 };
        Apply(indicator, input, links, now);
        db.Indicators.Add(indicator);
        db.Audit(new AuditRecord("indicator", () => indicator.Code, "create", now) { After = Snapshot(input), Version = () => indicator.Version });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await IndicatorHistory.RecordAsync(db, cancellationToken).ConfigureAwait(false);
        return indicator;
    }

    /// <returns>Null when no indicator has the code.</returns>
    /// <exception cref="IndicatorConcurrencyException">The indicator is no longer at <paramref name="expectedVersion"/>.</exception>
    public static async Task<Indicator?> UpdateAsync(RegiaDbContext db, string code, int expectedVersion, IndicatorInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        RequireReviewer(db);
        var indicator = await LoadAsync(db, code, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (indicator is null)
        {
            return null;
        }

        var links = await ValidateAsync(db, input, indicator.Id, cancellationToken).ConfigureAwait(false);
        var before = Snapshot(InputOf(indicator, await LinkCodesAsync(db, indicator.Id, cancellationToken).ConfigureAwait(false)));
        var now = clock.GetUtcNow().UtcDateTime;
        Apply(indicator, input, links, now);
        indicator.Version++;
        db.Audit(new AuditRecord("indicator", () => indicator.Code, "update", now) { Before = before, After = Snapshot(input), Version = () => indicator.Version });
        await SaveAsync(db, indicator.Code, expectedVersion, cancellationToken).ConfigureAwait(false);
        return indicator;
    }

    /// <summary>Removes the indicator with its targets, links and figures.</summary>
    /// <returns>False when no indicator has the code.</returns>
    public static async Task<bool> DeleteAsync(RegiaDbContext db, string code, int expectedVersion, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        RequireReviewer(db);
        var indicator = await LoadAsync(db, code, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (indicator is null)
        {
            return false;
        }

        var figures = await db.Measurements.CountAsync(m => m.IndicatorId == indicator.Id, cancellationToken).ConfigureAwait(false);
        var before = Snapshot(InputOf(indicator, await LinkCodesAsync(db, indicator.Id, cancellationToken).ConfigureAwait(false)));
        // Targets, links and figures go with it (cascading foreign keys).
        db.Indicators.Remove(indicator);
        db.Audit(new AuditRecord("indicator", () => indicator.Code, "delete", clock.GetUtcNow().UtcDateTime)
        {
            Before = before,
            Comment = string.Create(CultureInfo.InvariantCulture, $"Eliminato con {figures} valori."),
        });
        await SaveAsync(db, indicator.Code, expectedVersion, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>An indicator as its form and the API's writes take it, with its version; null when no indicator has the code.</summary>
    public static async Task<(IndicatorInput Input, int Version)?> InputOfAsync(RegiaDbContext db, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var normal = (code ?? "").Trim().ToUpperInvariant();
        var indicator = await db.Indicators.AsNoTracking().Include(i => i.Targets).Include(i => i.Links)
            .SingleOrDefaultAsync(i => i.Code == normal, cancellationToken).ConfigureAwait(false);
        return indicator is null ? null : (InputOf(indicator, await LinkCodesAsync(db, indicator.Id, cancellationToken).ConfigureAwait(false)), indicator.Version);
    }

    /// <summary>Whether two inputs state the same indicator once written (spaces, order of lists and writing of periods aside).</summary>
    public static bool SameAs(IndicatorInput a, IndicatorInput b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(AuditJson.Serialize(Normal(a)), AuditJson.Serialize(Normal(b)), StringComparison.Ordinal);
    }

    private static IndicatorInput Normal(IndicatorInput input)
    {
        static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        static string Period(string? text) => ReportingPeriod.TryParse((text ?? "").Trim(), out var period) ? period.ToString() : (text ?? "").Trim();
        // 0.0 and 0 are one number, written two ways (a database's scale against a file's digits).
        static decimal Plain(decimal value) => value / 1.0000000000000000000000000000m;
        static decimal? Maybe(decimal? value) => value is { } v ? Plain(v) : null;
        var range = input.Direction == IndicatorDirection.Range;
        return input with
        {
            Tolerance = Plain(input.Tolerance),
            BaselineValue = Maybe(input.BaselineValue),
            Code = input.Code.Trim().ToUpperInvariant(),
            Name = input.Name.Trim(),
            NameEn = Optional(input.NameEn),
            Description = Optional(input.Description),
            DescriptionEn = Optional(input.DescriptionEn),
            Unit = input.Unit.Trim(),
            RangeLow = range ? Maybe(input.RangeLow) : null,
            RangeHigh = range ? Maybe(input.RangeHigh) : null,
            Source = Optional(input.Source),
            Licence = Optional(input.Licence),
            Frequency = Optional(input.Frequency),
            BaselinePeriod = Optional(input.BaselinePeriod) is { } baseline ? Period(baseline) : null,
            Targets = [.. input.Targets.Select(t => new TargetInput(Period(t.Period), Plain(t.Value))).OrderBy(t => t.Period, StringComparer.Ordinal)],
            Sdgs = [.. input.Sdgs.Distinct().Order()],
            Objectives = [.. input.Objectives.Select(o => o.Trim().ToUpperInvariant()).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Actions = [.. input.Actions.Distinct().Order()],
            Breakdowns = IndicatorBreakdowns.Parse(IndicatorBreakdowns.Format(input.Breakdowns)),
        };
    }

    /// <summary>Checks an input whole; the errors by field, in Italian (empty: valid). Also used by the form before it saves.</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> ErrorsAsync(RegiaDbContext db, IndicatorInput input, string? existingCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var normal = existingCode?.Trim().ToUpperInvariant();
        int? existingId = normal is null ? null
            : await db.Indicators.AsNoTracking().Where(i => i.Code == normal).Select(i => (int?)i.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return (await CheckAsync(db, input, existingId, cancellationToken).ConfigureAwait(false)).Errors;
    }

    private static void RequireReviewer(RegiaDbContext db)
    {
        if (!db.Caller.IsReviewer)
        {
            throw new ActionForbiddenException(db.Caller.IsAuthenticated
                ? "Gli indicatori li definisce l'ufficio di piano (revisori e amministratori); gli enti ne comunicano i dati."
                : "Accedere per modificare gli indicatori.");
        }
    }

    private static async Task<Indicator?> LoadAsync(RegiaDbContext db, string code, int expectedVersion, CancellationToken cancellationToken)
    {
        var normal = (code ?? "").Trim().ToUpperInvariant();
        var indicator = await db.Indicators.Include(i => i.Targets).Include(i => i.Links).SingleOrDefaultAsync(i => i.Code == normal, cancellationToken).ConfigureAwait(false);
        if (indicator is not null && indicator.Version != expectedVersion)
        {
            throw new IndicatorConcurrencyException(indicator.Code, expectedVersion, indicator.Version);
        }

        return indicator;
    }

    private static async Task SaveAsync(RegiaDbContext db, string code, int expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await IndicatorHistory.RecordAsync(db, cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            db.DiscardPendingAudit();
            var current = await db.Indicators.AsNoTracking().Where(i => i.Code == code).Select(i => (int?)i.Version).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            throw new IndicatorConcurrencyException(code, expectedVersion, current ?? 0);
        }
    }

    private static async Task<(List<int> Objectives, List<int> Actions)> ValidateAsync(RegiaDbContext db, IndicatorInput input, int? existingId, CancellationToken cancellationToken)
    {
        var (errors, objectives, actions) = await CheckAsync(db, input, existingId, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            throw new ActionValidationException(errors);
        }

        return (objectives, actions);
    }

    private static async Task<(Dictionary<string, string[]> Errors, List<int> Objectives, List<int> Actions)> CheckAsync(RegiaDbContext db, IndicatorInput input, int? existingId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        var code = (input.Code ?? "").Trim().ToUpperInvariant();
        if (!CodeShape().IsMatch(code))
        {
            Add("code", "Il codice ha da 2 a 32 caratteri: lettere, cifre, punti e trattini (es. OCC-20-64).");
        }
        else if (await db.Indicators.AnyAsync(i => i.Code == code && i.Id != (existingId ?? 0), cancellationToken).ConfigureAwait(false))
        {
            Add("code", $"Esiste già un indicatore con il codice {code}.");
        }
        else if (existingId is { } id && await db.Indicators.AnyAsync(i => i.Id == id && i.Code != code, cancellationToken).ConfigureAwait(false))
        {
            Add("code", "Il codice di un indicatore non cambia: i suoi dati, le esportazioni e i collegamenti lo usano.");
        }

        Text("name", input.Name, 300, required: true);
        Text("nameEn", input.NameEn, 300);
        Text("description", input.Description, 4000);
        Text("descriptionEn", input.DescriptionEn, 4000);
        Text("unit", input.Unit, 50, required: true);
        Text("source", input.Source, 500);
        Text("licence", input.Licence, 200);
        Text("frequency", input.Frequency, 50);
        void Text(string field, string? value, int max, bool required = false)
        {
            if (required && string.IsNullOrWhiteSpace(value))
            {
                Add(field, "Campo obbligatorio.");
            }
            else if (value?.Trim().Length > max)
            {
                Add(field, string.Create(CultureInfo.InvariantCulture, $"Al massimo {max} caratteri."));
            }
        }

        if (!Enum.IsDefined(input.Direction))
        {
            Add("direction", "Direzione non valida: più alto è meglio, più basso è meglio, intervallo o di contesto.");
        }

        if (!Enum.IsDefined(input.Aggregation))
        {
            Add("aggregation", "Aggregazione non valida: nessuna, somma o media pesata sulla popolazione.");
        }

        if (input.Direction == IndicatorDirection.Range && (input.RangeLow is null || input.RangeHigh is null || input.RangeLow > input.RangeHigh))
        {
            Add("rangeLow", "Per un indicatore a intervallo indicare il minimo e il massimo dell'intervallo buono (minimo non oltre il massimo).");
        }

        if (input.Tolerance is < 0 or > 1)
        {
            Add("tolerance", "La tolleranza è una quota tra 0 e 1 (es. 0,1 per il 10 %).");
        }

        if (string.IsNullOrWhiteSpace(input.BaselinePeriod) != input.BaselineValue is null)
        {
            Add("baselinePeriod", "Il valore di partenza ha un periodo e un valore, o nessuno dei due.");
        }
        else if (!string.IsNullOrWhiteSpace(input.BaselinePeriod) && !ReportingPeriod.TryParse(input.BaselinePeriod.Trim(), out _))
        {
            Add("baselinePeriod", $"«{input.BaselinePeriod}» non è un periodo: un anno (2024), un semestre (2024-S1), un trimestre (2024-Q3) o una data (2024-05-31).");
        }

        var targetPeriods = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < input.Targets.Count; i++)
        {
            var target = input.Targets[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"targets[{i}]");
            if (!ReportingPeriod.TryParse((target.Period ?? "").Trim(), out var period))
            {
                Add(field, $"«{target.Period}» non è un periodo: un anno (2024), un semestre (2024-S1), un trimestre (2024-Q3) o una data (2024-05-31).");
            }
            else if (!targetPeriods.Add(period.ToString()))
            {
                Add(field, $"C'è già un valore obiettivo per il {period}.");
            }
        }

        if (IndicatorBreakdowns.Problem(input.Breakdowns) is { } breakdownProblem)
        {
            Add("breakdowns", breakdownProblem);
        }

        if (input.Sdgs.Any(g => g is < 1 or > 17))
        {
            Add("sdgs", "Gli obiettivi di sviluppo sostenibile vanno da 1 a 17.");
        }

        var objectiveCodes = input.Objectives.Select(o => (o ?? "").Trim().ToUpperInvariant()).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db).Where(o => objectiveCodes.Contains(o.Code)).Select(o => new { o.Id, o.Code }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var unknown in objectiveCodes.Except(objectives.Select(o => o.Code), StringComparer.Ordinal))
        {
            Add("objectives", $"L'obiettivo {unknown} non è nel piano vigente.");
        }

        var actionIds = input.Actions.Distinct().ToList();
        var actions = await db.Actions.AsNoTracking().Where(a => actionIds.Contains(a.Id)).Select(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var unknown in actionIds.Except(actions))
        {
            Add("actions", string.Create(CultureInfo.InvariantCulture, $"L'azione {unknown} non esiste."));
        }

        return (errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal), [.. objectives.Select(o => o.Id)], actions);
    }

    private static void Apply(Indicator indicator, IndicatorInput input, (List<int> Objectives, List<int> Actions) links, DateTime now)
    {
        static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        indicator.Name = input.Name.Trim();
        indicator.NameEn = Optional(input.NameEn);
        indicator.Description = Optional(input.Description);
        indicator.DescriptionEn = Optional(input.DescriptionEn);
        indicator.Unit = input.Unit.Trim();
        indicator.Direction = input.Direction;
        (indicator.RangeLow, indicator.RangeHigh) = input.Direction == IndicatorDirection.Range ? (input.RangeLow, input.RangeHigh) : (null, null);
        indicator.Tolerance = input.Tolerance;
        indicator.Aggregation = input.Aggregation;
        indicator.Source = Optional(input.Source);
        indicator.Licence = Optional(input.Licence);
        indicator.Frequency = Optional(input.Frequency);
        indicator.BaselinePeriod = Optional(input.BaselinePeriod) is { } period && ReportingPeriod.TryParse(period, out var parsed) ? parsed.ToString() : null;
        indicator.BaselineValue = indicator.BaselinePeriod is null ? null : input.BaselineValue;
        indicator.Sdgs = string.Join(',', input.Sdgs.Distinct().Order());
        indicator.IsDemo = input.IsDemo;
        indicator.Breakdowns = IndicatorBreakdowns.Format(input.Breakdowns);
        indicator.UpdatedAtUtc = now;

        // Targets and links are replaced: keep the rows that stay, so their ids (and the unique period) hold.
        var targets = input.Targets.Select(t => (Period: ReportingPeriod.TryParse(t.Period.Trim(), out var p) ? p.ToString() : t.Period.Trim(), t.Value)).ToList();
        indicator.Targets.RemoveAll(t => !targets.Any(n => n.Period == t.Period));
        foreach (var (targetPeriod, value) in targets)
        {
            if (indicator.Targets.Find(t => t.Period == targetPeriod) is { } existing)
            {
                existing.Value = value;
            }
            else
            {
                indicator.Targets.Add(new IndicatorTarget { Period = targetPeriod, Value = value });
            }
        }

        indicator.Links.RemoveAll(l => l.ObjectiveId is { } o ? !links.Objectives.Contains(o) : !links.Actions.Contains(l.ActionId ?? 0));
        foreach (var objective in links.Objectives.Where(o => !indicator.Links.Any(l => l.ObjectiveId == o)))
        {
            indicator.Links.Add(new IndicatorLink { ObjectiveId = objective });
        }

        foreach (var action in links.Actions.Where(a => !indicator.Links.Any(l => l.ActionId == a)))
        {
            indicator.Links.Add(new IndicatorLink { ActionId = action });
        }
    }

    private static async Task<(IReadOnlyList<string> Objectives, IReadOnlyList<int> Actions)> LinkCodesAsync(RegiaDbContext db, int indicatorId, CancellationToken cancellationToken)
    {
        var links = await db.Set<IndicatorLink>().AsNoTracking().Where(l => l.IndicatorId == indicatorId)
            .Select(l => new { Objective = l.Objective != null ? l.Objective.Code : null, l.ActionId }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return ([.. links.Select(l => l.Objective).OfType<string>().Order(StringComparer.Ordinal)], [.. links.Select(l => l.ActionId).OfType<int>().Order()]);
    }

    private static IndicatorInput InputOf(Indicator i, (IReadOnlyList<string> Objectives, IReadOnlyList<int> Actions) links) => new()
    {
        Code = i.Code,
        Name = i.Name,
        NameEn = i.NameEn,
        Description = i.Description,
        DescriptionEn = i.DescriptionEn,
        Unit = i.Unit,
        Direction = i.Direction,
        RangeLow = i.RangeLow,
        RangeHigh = i.RangeHigh,
        Tolerance = i.Tolerance,
        Aggregation = i.Aggregation,
        Source = i.Source,
        Licence = i.Licence,
        Frequency = i.Frequency,
        BaselinePeriod = i.BaselinePeriod,
        BaselineValue = i.BaselineValue,
        Targets = [.. i.Targets.OrderBy(t => ReportingPeriod.TryParse(t.Period, out var p) ? p.End : DateOnly.MaxValue).Select(t => new TargetInput(t.Period, t.Value))],
        Sdgs = [.. i.Sdgs.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
        Objectives = links.Objectives,
        Actions = links.Actions,
        IsDemo = i.IsDemo,
        Breakdowns = IndicatorBreakdowns.Parse(i.Breakdowns),
    };

    private static object Snapshot(IndicatorInput input) => input with { Code = input.Code.Trim().ToUpperInvariant() };

    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9.\-]{1,31}$")]
    private static partial Regex CodeShape();
}
