using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Importing;
using Regia.Core.Proposals;

namespace Regia.Core.Indicators;

/// <summary>
/// A figure as written (in a file's row, a form or an API body): the indicator's code, the period, the territory
/// (empty for the metropolitan city, a zone's slug, a Comune's ISTAT code), the value as text (read in the notation
/// given), the status (provisional / final, Italian or English; empty: final), note, source, the unit (checked against
/// the indicator's when given) and the groups (name → value; an empty value: not in that group).
/// </summary>
public sealed record FigureInput(
    string Indicator,
    string Period,
    string Territory,
    string Value,
    string Status = "",
    string? Note = null,
    string? Source = null,
    string Units = "",
    IReadOnlyList<KeyValuePair<string, string>>? Groups = null);

/// <summary>What became of figures sent to be recorded: written at once (reviewers), waiting as a proposal (editors), or refused with each row's reasons.</summary>
public sealed record FiguresOutcome(MeasurementImportReport Report, ActionProposal? Proposal)
{
    public bool Applied => Report.Written;
}

/// <summary>
/// Every write of figures enters here: the import of a file (<see cref="ImportMeasurements"/>), the site's form and the
/// API. Who may do what:
/// <list type="bullet">
/// <item>administrators and reviewers: figures of any indicator, written at once;</item>
/// <item>editors: figures of the indicators that measure an action their organisation leads, as a proposal a reviewer
/// validates (like any other change to an action);</item>
/// <item>viewers and anonymous callers: nothing.</item>
/// </list>
/// Every figure is checked before anything is written, and a set with a refused figure writes nothing.
/// </summary>
public static class RecordFigures
{
    /// <summary>At most this many figures in one submission from the site or the API (files go through the import).</summary>
    public const int MaxFigures = 5_000;

    private static readonly Dictionary<string, string> FieldNames = new(StringComparer.Ordinal)
    {
        ["indicator"] = "indicator", ["year"] = "period", ["territory"] = "territory", ["value"] = "value",
        ["status"] = "status", ["note"] = "note", ["source"] = "source", ["units"] = "units",
    };

    /// <exception cref="ActionForbiddenException">The caller may not report figures.</exception>
    public static async Task<FiguresOutcome> SubmitAsync(RegiaDbContext db, IReadOnlyList<FigureInput> figures, NumberNotation notation, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = db.Caller;
        if (!caller.IsReviewer && caller.Role is not Accounts.RegiaRole.Editor)
        {
            throw new ActionForbiddenException(caller.IsAuthenticated ? "Il vostro profilo consente la sola lettura." : "Accedere per comunicare i dati degli indicatori.");
        }

        if (figures.Count is 0 or > MaxFigures)
        {
            throw new ActionValidationException(new Dictionary<string, string[]> { ["figures"] = [$"Indicare da 1 a {MaxFigures.ToString("N0", CultureInfo.GetCultureInfo("it-IT"))} valori."] });
        }

        var rows = figures.Select((f, i) => (Row: i + 1, Figure: f)).ToList();
        if (caller.IsReviewer)
        {
            return new FiguresOutcome(await WriteAsync(db, rows, FieldNames, ImportMode.AllOrNothing, notation, clock, "record-measurements", "Dati comunicati dall'ufficio di piano.", null, cancellationToken).ConfigureAwait(false), null);
        }

        // An editor's figures: those of indicators that measure an action the organisation leads, checked now so a
        // reviewer never receives a proposal that cannot apply.
        var organization = caller.OrganizationId ?? -1;
        var theirs = await db.Set<IndicatorLink>().AsNoTracking()
            .Where(l => l.ActionId != null && l.Action!.LeadOrganizationId == organization)
            .Select(l => new { l.IndicatorId, ActionId = l.ActionId!.Value }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var actionOf = theirs.GroupBy(l => l.IndicatorId).ToDictionary(g => g.Key, g => g.Min(l => l.ActionId));
        var report = await WriteAsync(
            db, rows, FieldNames, ImportMode.DryRun, notation, clock, "record-measurements", null,
            indicator => actionOf.ContainsKey(indicator.Id) ? null : $"l'indicatore «{indicator.Code}» non misura azioni di cui il vostro ente è capofila: i suoi dati li comunica l'ufficio di piano.",
            cancellationToken).ConfigureAwait(false);
        if (report.Rejected > 0 || report.Created + report.Updated == 0)
        {
            return new FiguresOutcome(report, null);
        }

        var codes = figures.Select(f => f.Indicator.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var firstIndicator = await db.Indicators.AsNoTracking().Where(i => i.Code == codes[0]).Select(i => i.Id).SingleAsync(cancellationToken).ConfigureAwait(false);
        var proposal = await ChangeAction.ProposeFiguresAsync(
            db, actionOf[firstIndicator],
            string.Create(CultureInfo.InvariantCulture, $"Dati degli indicatori {string.Join(", ", codes)} ({figures.Count} valori)"),
            AuditJson.Serialize(new FiguresPayload(notation, figures))!, clock, cancellationToken).ConfigureAwait(false);
        return new FiguresOutcome(report, proposal);
    }

    /// <summary>
    /// The indicators the caller may report figures for, by code: every one for reviewers and administrators; for an
    /// editor, those that measure an action the organisation leads; none for others.
    /// </summary>
    public static async Task<IReadOnlyList<IndicatorReference>> ReportableAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var caller = db.Caller;
        var indicators = db.Indicators.AsNoTracking();
        if (!caller.IsReviewer)
        {
            var organization = caller.Role is Accounts.RegiaRole.Editor ? caller.OrganizationId ?? -1 : -1;
            indicators = indicators.Where(i => i.Links.Any(l => l.ActionId != null && l.Action!.LeadOrganizationId == organization));
        }

        return await indicators.OrderBy(i => i.Code).Select(i => new IndicatorReference(i.Code, i.Name, i.NameEn)).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A proposal's figures as the editor sent them (null for another kind of proposal).</summary>
    public static IReadOnlyList<FigureInput>? FiguresOf(ActionProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return proposal.Kind == ProposalKind.Figures ? AuditJson.Deserialize<FiguresPayload>(proposal.Payload)?.Figures : null;
    }

    /// <summary>Applies an approved proposal's figures, as the reviewer approving it, in the caller's transaction.</summary>
    /// <exception cref="ActionValidationException">A figure no longer passes the rules (e.g. its indicator was removed).</exception>
    internal static async Task ApplyProposalAsync(RegiaDbContext db, ActionProposal proposal, string note, TimeProvider clock, CancellationToken cancellationToken)
    {
        var payload = AuditJson.Deserialize<FiguresPayload>(proposal.Payload) ?? throw new InvalidOperationException($"Proposal {proposal.Id} has no figures.");
        var report = await WriteAsync(db, [.. payload.Figures.Select((f, i) => (i + 1, f))], FieldNames, ImportMode.AllOrNothing, payload.Notation, clock, "record-measurements", note, null, cancellationToken).ConfigureAwait(false);
        if (report.Rejected > 0)
        {
            throw new ActionValidationException(report.Problems.ToDictionary(
                p => string.Create(CultureInfo.InvariantCulture, $"figures[{p.Row}]"),
                p => p.Errors.Select(e => $"{e.Column}: {e.Message}").ToArray()));
        }
    }

    /// <summary>
    /// Checks every figure, then (unless a dry run, or a figure is refused and the mode is all-or-nothing) writes the
    /// new and changed ones, with an audit record per indicator. <paramref name="refuse"/> may refuse an indicator
    /// with a reason (an editor's figures for indicators that are not theirs).
    /// </summary>
    internal static async Task<MeasurementImportReport> WriteAsync(
        RegiaDbContext db,
        IReadOnlyList<(int Row, FigureInput Figure)> rows,
        IReadOnlyDictionary<string, string> columnNames,
        ImportMode mode,
        NumberNotation notation,
        TimeProvider clock,
        string operation,
        string? comment,
        Func<Indicator, string?>? refuse,
        CancellationToken cancellationToken)
    {
        if (notation == NumberNotation.Unknown)
        {
            notation = rows.Select(r => FigureNumbers.NotationOf(r.Figure.Value.Trim())).FirstOrDefault(n => n != NumberNotation.Unknown);
        }

        var indicators = await db.Indicators.ToDictionaryAsync(i => i.Code, StringComparer.OrdinalIgnoreCase, cancellationToken).ConfigureAwait(false);
        var zones = (await db.Zones.AsNoTracking().Select(z => z.Slug).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var municipalities = (await db.Municipalities.AsNoTracking().Select(m => m.IstatCode).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var problems = new List<(int Row, IReadOnlyList<CellError> Errors)>();
        var accepted = new List<(Indicator Indicator, Measurement Figure)>();
        var seen = new Dictionary<(string, TerritoryLevel, string, string, string), int>();
        string Column(string field) => columnNames.GetValueOrDefault(field, field);
        foreach (var (number, input) in rows)
        {
            var errors = new List<CellError>();
            var code = (input.Indicator ?? "").Trim();
            if (!indicators.TryGetValue(code, out var indicator))
            {
                errors.Add(new CellError(Column("indicator"), code.Length == 0 ? "manca il codice dell'indicatore." : $"l'indicatore «{code}» non esiste in Regia."));
            }
            else if (refuse?.Invoke(indicator) is { } refusal)
            {
                errors.Add(new CellError(Column("indicator"), refusal));
            }

            var periodText = (input.Period ?? "").Trim();
            if (!ReportingPeriod.TryParse(periodText, out var period))
            {
                errors.Add(new CellError(Column("year"), $"«{periodText}» non è un periodo: un anno (2024), un semestre (2024-S1), un trimestre (2024-Q3) o una data (2024-05-31)."));
            }

            var territory = (input.Territory ?? "").Trim();
            (TerritoryLevel Level, string? Place) where = territory.ToUpperInvariant() switch
            {
                "" or "CM" or "CITTÀ METROPOLITANA" or "CITTA METROPOLITANA" or "METROPOLITAN CITY" => (TerritoryLevel.MetropolitanCity, ""),
                // National figures (the PNRR's common indicators) download with territory IT and import back as such.
                CommonIndicators.Italy or "ITALIA" or "ITALY" => (TerritoryLevel.Country, CommonIndicators.Italy),
                _ when municipalities.Contains(territory) => (TerritoryLevel.Municipality, territory),
                _ when zones.Contains(territory) => (TerritoryLevel.Zone, territory.ToLowerInvariant()),
                _ => (TerritoryLevel.MetropolitanCity, null),
            };
            var (level, place) = where;
            if (place is null)
            {
                errors.Add(new CellError(Column("territory"), $"«{territory}» non è né un Comune (codice ISTAT) né una Zona omogenea (es. nord-milano); vuoto per la Città metropolitana, IT per l'Italia."));
            }

            var units = (input.Units ?? "").Trim();
            if (indicator is not null && units.Length > 0 && !string.Equals(units, indicator.Unit, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new CellError(Column("units"), $"l'unità «{units}» non è quella dell'indicatore ({indicator.Unit})."));
            }

            var (value, problem) = FigureNumbers.Parse((input.Value ?? "").Trim(), notation);
            if (problem is not null)
            {
                errors.Add(new CellError(Column("value"), problem));
            }

            var statusText = (input.Status ?? "").Trim().ToLowerInvariant();
            FigureStatus? status = statusText switch
            {
                "" or "final" or "definitivo" => FigureStatus.Final,
                "provisional" or "provvisorio" => FigureStatus.Provisional,
                _ => null,
            };
            if (status is null)
            {
                errors.Add(new CellError(Column("status"), $"«{statusText}» non è uno stato del dato: provvisorio o definitivo."));
            }

            var breakdown = string.Join(';', (input.Groups ?? []).Select(g => (Name: g.Key.Trim().ToLowerInvariant(), Value: (g.Value ?? "").Trim()))
                .Where(g => g.Name.Length > 0 && g.Value.Length > 0).OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => $"{g.Name}={g.Value}"));
            if (breakdown.Length > 200)
            {
                errors.Add(new CellError("gruppi", "i gruppi della riga superano 200 caratteri."));
            }
            else if (indicator is not null && IndicatorBreakdowns.Refusal(indicator.Breakdowns, breakdown) is { } refusedGroup)
            {
                errors.Add(new CellError("gruppi", refusedGroup));
            }

            var note = input.Note?.Trim() is { Length: > 0 } n ? n : null;
            var source = input.Source?.Trim() is { Length: > 0 } so ? so : null;
            if (note?.Length > 2000 || source?.Length > 500)
            {
                errors.Add(new CellError(note?.Length > 2000 ? Column("note") : Column("source"), "il testo è troppo lungo (nota al massimo 2000 caratteri, fonte 500)."));
            }

            if (errors.Count == 0)
            {
                var key = (indicator!.Code, level, place!, breakdown, period.ToString());
                if (seen.TryGetValue(key, out var first))
                {
                    errors.Add(new CellError(Column("year"), $"lo stesso dato (indicatore, territorio, gruppo e periodo) è già alla riga {first}."));
                }
                else
                {
                    seen[key] = number;
                }
            }

            if (errors.Count > 0)
            {
                problems.Add((number, errors));
                continue;
            }

            accepted.Add((indicator!, new Measurement
            {
                IndicatorId = indicator!.Id,
                Period = period.ToString(),
                PeriodEnd = period.End,
                Level = level,
                Place = place!,
                Breakdown = breakdown,
                Value = value,
                Status = status!.Value,
                Note = note,
                Source = source,
            }));
        }

        // The stored figures of the indicators named, by key: one read, one look-up a row.
        var used = accepted.Select(a => a.Indicator.Id).Distinct().ToList();
        var storedFigures = await db.Measurements.Where(m => EF.Parameter(used).Contains(m.IndicatorId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var byKey = storedFigures.ToDictionary(m => (m.IndicatorId, m.Level, m.Place, m.Breakdown, m.Period));
        int created = 0, updated = 0, unchanged = 0;
        var touched = new HashSet<Indicator>();
        foreach (var (indicator, figure) in accepted)
        {
            if (!byKey.TryGetValue((figure.IndicatorId, figure.Level, figure.Place, figure.Breakdown, figure.Period), out var stored))
            {
                created++;
                db.Measurements.Add(figure);
                touched.Add(indicator);
            }
            else if (stored.Value != figure.Value || stored.Status != figure.Status || stored.Note != figure.Note || stored.Source != figure.Source || stored.Derived)
            {
                // A figure stated for a zone or the city takes the place of the one Regia made.
                updated++;
                (stored.Value, stored.Status, stored.Note, stored.Source, stored.Derived) = (figure.Value, figure.Status, figure.Note, figure.Source, false);
                touched.Add(indicator);
            }
            else
            {
                unchanged++;
            }
        }

        var written = mode != ImportMode.DryRun && (mode == ImportMode.ValidOnly || problems.Count == 0);
        if (written && touched.Count > 0)
        {
            var changedPlaces = accepted.Where(a => a.Figure.Level == TerritoryLevel.Municipality && touched.Contains(a.Indicator))
                .Select(a => (a.Figure.IndicatorId, a.Figure.Period, a.Figure.Breakdown)).ToHashSet();
            var current = storedFigures.Concat(db.ChangeTracker.Entries<Measurement>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)).ToList();
            await IndicatorRollup.RefreshAsync(db, touched, current, changedPlaces, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var indicator in touched)
            {
                indicator.UpdatedAtUtc = now;
                var code = indicator.Code;
                db.Audit(new AuditRecord("indicator", () => code, operation, now)
                {
                    After = new { figures = accepted.Count(a => a.Indicator == indicator) },
                    Comment = comment,
                });
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await IndicatorHistory.RecordAsync(db, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Nothing of a dry run or a refused set stays in the context.
            foreach (var entry in db.ChangeTracker.Entries<Measurement>().Where(e => e.State != EntityState.Unchanged).ToList())
            {
                entry.State = EntityState.Detached;
            }

            foreach (var figure in storedFigures)
            {
                db.Entry(figure).State = EntityState.Detached;
            }
        }

        return new MeasurementImportReport(mode, created, updated, unchanged, problems.Count, written, notation, problems);
    }

    /// <summary>What a figures proposal holds: the figures as the editor wrote them, and the notation of their values.</summary>
    internal sealed record FiguresPayload(NumberNotation Notation, IReadOnlyList<FigureInput> Figures);
}
