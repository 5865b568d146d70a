using System.Globalization;
using Regia.Core.Dashboards;
using Regia.Core.Indicators;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Plans;

namespace Regia.Core.Reports;

/// <summary>A part of a report: written the same way to HTML and to DOCX, so the two say the same.</summary>
public abstract record ReportBlock;

public sealed record ReportHeading(int Level, string Text) : ReportBlock;

public sealed record ReportParagraph(string Text) : ReportBlock;

/// <summary>A table with its caption; <see cref="Numeric"/> marks the columns aligned right.</summary>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlySet<int> Numeric) : ReportBlock;

/// <summary>The annual monitoring report of the plan for a day: its title, language and blocks.</summary>
public sealed record MonitoringReport(DateOnly Date, string Language, string Title, IReadOnlyList<ReportBlock> Blocks);

/// <summary>
/// Writes the monitoring report for a day from the dashboards as they stood then (<see cref="PlanDashboards.GetAsOfAsync"/>):
/// made again for the same day, it says the same whatever was edited since. Italian, or English on request.
/// </summary>
public static class MonitoringReports
{
    public static async Task<MonitoringReport> BuildAsync(RegiaDbContext db, DateOnly date, string language = "it", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var english = language == "en";
        var culture = CultureInfo.GetCultureInfo(english ? "en-GB" : "it-IT");
        string L(string it, string en) => english ? en : it;
        string Euro(decimal value) => value.ToString("N2", culture) + " €";
        string Count(int value) => value.ToString("N0", culture);
        string Percent(decimal? value) => value is { } v ? v.ToString("0.#", culture) + " %" : "n/d";

        var plan = await PlanQueries.GetCurrentPlanAsync(db, cancellationToken).ConfigureAwait(false);
        var dashboard = await PlanDashboards.GetAsOfAsync(db, new DashboardFilter(), date, cancellationToken).ConfigureAwait(false);
        var day = date.ToString("d MMMM yyyy", culture);
        var title = L($"Relazione di monitoraggio del Piano strategico al {day}", $"Monitoring report of the strategic plan as of {day}");
        var blocks = new List<ReportBlock>
        {
            new ReportParagraph(plan?.Title ?? L("Nessun piano caricato.", "No plan loaded.")),
            new ReportParagraph(L(
                "Le cifre sono quelle delle azioni pubblicate alla fine del giorno indicato, ricostruite dal registro delle modifiche: rigenerata per lo stesso giorno, la relazione resta identica. Il denaro è ripartito sui Comuni secondo le quote indicate o, in mancanza, in proporzione ai residenti.",
                "The figures are those of the actions published at the end of the day given, rebuilt from the audit trail: made again for the same day, the report stays identical. Money is apportioned to the Comuni by the stated shares or, where none is stated, by residents.")),
            new ReportHeading(2, L("Il Piano in sintesi", "The plan at a glance")),
            new ReportParagraph(L(
                $"{Count(dashboard.Actions)} azioni pubblicate; risorse previste {Euro(dashboard.Money.Planned)}, impegnate {Euro(dashboard.Money.Committed)}, pagate {Euro(dashboard.Money.Paid)}. Avanzamento medio {Percent(dashboard.Progress.Plain)} (pesato sulla spesa {Percent(dashboard.Progress.BudgetWeighted)}); {Count(dashboard.Progress.NotAvailable)} azioni senza avanzamento.",
                $"{Count(dashboard.Actions)} published actions; money planned {Euro(dashboard.Money.Planned)}, committed {Euro(dashboard.Money.Committed)}, paid {Euro(dashboard.Money.Paid)}. Mean progress {Percent(dashboard.Progress.Plain)} (weighted by spending {Percent(dashboard.Progress.BudgetWeighted)}); {Count(dashboard.Progress.NotAvailable)} actions without progress.")),
            new ReportFigure(
                L("Risorse previste, impegnate e pagate per missione (i dati sono nella tabella che segue)", "Money planned, committed and paid by mission (the data are in the table that follows)"),
                ReportCharts.Bars(
                    L("Grafico a barre delle risorse per missione", "Bar chart of the money by mission"),
                    [.. dashboard.Missions.Select(m => $"{m.Number}. {m.Title}")],
                    [
                        (L("Previste", "Planned"), [.. dashboard.Missions.Select(m => m.Money.Planned)]),
                        (L("Impegnate", "Committed"), [.. dashboard.Missions.Select(m => m.Money.Committed)]),
                        (L("Pagate", "Paid"), [.. dashboard.Missions.Select(m => m.Money.Paid)]),
                    ],
                    culture)),
            new ReportTable(
                L("Azioni, avanzamento e risorse per missione", "Actions, progress and money by mission"),
                [L("Missione", "Mission"), L("Azioni", "Actions"), L("Avanzamento", "Progress"), L("Previste", "Planned"), L("Impegnate", "Committed"), L("Pagate", "Paid")],
                [.. dashboard.Missions.Select(m => (IReadOnlyList<string>)[$"{m.Number}. {m.Title}", Count(m.Actions), Percent(m.Progress.Plain), Euro(m.Money.Planned), Euro(m.Money.Committed), Euro(m.Money.Paid)])],
                new HashSet<int> { 1, 2, 3, 4, 5 }),
            new ReportTable(
                L("Risorse per fonte di finanziamento", "Money by funding source"),
                [L("Fonte", "Source"), L("Azioni", "Actions"), L("Previste", "Planned"), L("Impegnate", "Committed"), L("Pagate", "Paid")],
                [.. dashboard.Sources.Select(s => (IReadOnlyList<string>)[SourceName(s.Source, english), Count(s.Actions), Euro(s.Money.Planned), Euro(s.Money.Committed), Euro(s.Money.Paid)])],
                new HashSet<int> { 1, 2, 3, 4 }),
        };

        string Levels(ActorLevels levels) => string.Join(", ", levels.Levels().Select(LevelName));
        string LevelName(ActorLevel level) => level switch
        {
            ActorLevel.MetropolitanCity => L("Città metropolitana", "Metropolitan city"),
            ActorLevel.Municipalities => L("Comuni", "Comuni"),
            _ => L("Corpi intermedi", "Intermediate bodies"),
        };

        foreach (var mission in dashboard.Missions)
        {
            blocks.Add(new ReportHeading(2, L($"Missione {mission.Number}: {mission.Title}", $"Mission {mission.Number}: {mission.Title}")));
            blocks.Add(new ReportParagraph(L(
                $"{Count(mission.Actions)} azioni, avanzamento {Percent(mission.Progress.Plain)}, risorse previste {Euro(mission.Money.Planned)} (pagate {Euro(mission.Money.Paid)}).",
                $"{Count(mission.Actions)} actions, progress {Percent(mission.Progress.Plain)}, money planned {Euro(mission.Money.Planned)} (paid {Euro(mission.Money.Paid)}).")));
            var objectives = dashboard.Objectives.Where(o => o.Mission == mission.Number).ToList();
            if (objectives.Count > 0)
            {
                blocks.Add(new ReportTable(
                    L($"Obiettivi della missione {mission.Number}: azioni, risorse, chi il Piano chiama in causa e chi manca, zone raggiunte", $"Objectives of mission {mission.Number}: actions, money, whom the plan calls on and who is missing, zones reached"),
                    [L("Obiettivo", "Objective"), L("Azioni", "Actions"), L("Previste", "Planned"), L("Chiamati in causa", "Called on"), L("Assenti", "Absent"), L("Zone raggiunte", "Zones reached")],
                    [.. objectives.Select(o => (IReadOnlyList<string>)[
                        $"{o.Code} {ReportText.Truncate(o.Title, 80)}",
                        Count(o.Actions),
                        Euro(o.Planned),
                        Levels(o.Asks),
                        o.NoAction ? L("nessuna azione", "no action") : string.Join(", ", o.Missing.Select(LevelName)),
                        Count(dashboard.ZoneCells.Count(c => c.Objective == o.Code)) + "/" + Count(dashboard.Zones.Count)])],
                    new HashSet<int> { 1, 2, 5 }));
            }
        }

        blocks.Add(new ReportHeading(2, L("Nessun luogo indietro", "No place left behind")));
        var unreached = dashboard.Unreached.ToList();
        blocks.Add(new ReportParagraph(unreached.Count == 0
            ? L("Ogni Comune è raggiunto da almeno un'azione.", "Every Comune is reached by at least one action.")
            : L($"{Count(unreached.Count)} Comuni non sono raggiunti da alcuna azione: {string.Join(", ", unreached.Select(m => m.Name))}.", $"{Count(unreached.Count)} Comuni are reached by no action: {string.Join(", ", unreached.Select(m => m.Name))}.")));
        blocks.Add(new ReportTable(
            L("Risorse previste per abitante, per Zona omogenea", "Planned money per inhabitant, by Zona omogenea"),
            [L("Zona omogenea", "Zona omogenea"), L("Comuni raggiunti", "Comuni reached"), L("Previste", "Planned"), L("Per abitante", "Per inhabitant")],
            [.. dashboard.Zones.Select(z =>
            {
                var of = dashboard.Municipalities.Where(m => m.ZoneSlug == z.Slug).ToList();
                var residents = of.Sum(m => m.Residents ?? 0);
                var planned = of.Sum(m => m.Planned);
                return (IReadOnlyList<string>)[z.Name, $"{Count(of.Count(m => m.Actions > 0))}/{Count(of.Count)}", Euro(planned), residents > 0 ? Euro(Math.Round(planned / residents, 2, MidpointRounding.AwayFromZero)) : "n/d"];
            })],
            new HashSet<int> { 1, 2, 3 }));

        var boundaries = await db.Municipalities.AsNoTracking().Where(m => m.ValidTo == null && m.BoundaryGeoJson != null)
            .Select(m => new { m.IstatCode, m.BoundaryGeoJson }).ToDictionaryAsync(m => m.IstatCode, m => m.BoundaryGeoJson!, cancellationToken).ConfigureAwait(false);
        var map = ReportCharts.Choropleth(
            L("Mappa dei Comuni colorati secondo le risorse previste per abitante", "Map of the Comuni coloured by planned money per inhabitant"),
            [.. dashboard.Municipalities.Where(m => boundaries.ContainsKey(m.IstatCode)).Select(m => (m.Name, boundaries[m.IstatCode], m.Actions > 0 ? m.PerInhabitant : null))],
            L("nessuna azione", "no action"),
            culture);
        if (map.Length > 0)
        {
            blocks.Add(new ReportFigure(L("Risorse previste per abitante, per Comune, in euro (i dati sono nella tabella che segue)", "Planned money per inhabitant, by Comune, in euro (the data are in the table that follows)"), map));
        }

        blocks.Add(new ReportTable(
            L("Risorse previste per abitante, per Comune (residenti dell'ultimo anno ISTAT)", "Planned money per inhabitant, by Comune (residents of the latest ISTAT year)"),
            [L("Comune", "Comune"), L("Azioni", "Actions"), L("Previste", "Planned"), L("Per abitante", "Per inhabitant")],
            [.. dashboard.Municipalities.OrderByDescending(m => m.PerInhabitant ?? -1).ThenBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => (IReadOnlyList<string>)[m.Name, Count(m.Actions), Euro(m.Planned), m.PerInhabitant is { } per ? Euro(per) : "n/d"])],
            new HashSet<int> { 1, 2, 3 }));

        // The campaigns closed by the end of the day, as frozen at closing: what the organisations reported and when.
        var campaigns = await Campaigns.UpdateCampaigns.ClosedBeforeAsync(db, date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), cancellationToken).ConfigureAwait(false);
        blocks.Add(new ReportHeading(2, L("Campagne di monitoraggio", "Update campaigns")));
        if (campaigns.Count == 0)
        {
            blocks.Add(new ReportParagraph(L("Nessuna campagna di monitoraggio chiusa a questa data.", "No update campaign closed by this day.")));
        }
        else
        {
            blocks.Add(new ReportTable(
                L("Campagne chiuse: completamento congelato alla chiusura", "Closed campaigns: completion frozen at closing"),
                [L("Campagna", "Campaign"), L("Scadenza", "Deadline"), L("Chiusa il", "Closed on"), L("Azioni", "Actions"), L("Aggiornate", "Updated"), L("Confermate", "Confirmed"), L("Da aggiornare", "Not updated"), L("Completamento", "Completion")],
                [.. campaigns.Select(c => (IReadOnlyList<string>)[c.Title, c.Deadline.ToString("d", culture), DateOnly.FromDateTime(c.ClosedAtUtc).ToString("d", culture), Count(c.Total.Tasks), Count(c.Total.Updated), Count(c.Total.Confirmed), Count(c.Total.Pending), Percent(c.Total.Percent)])],
                new HashSet<int> { 3, 4, 5, 6, 7 }));
        }

        blocks.Add(new ReportHeading(2, L("Indicatori", "Indicators")));
        var indicators = await IndicatorHistory.ListAsOfAsync(db, date, cancellationToken).ConfigureAwait(false);
        blocks.Add(new ReportParagraph(indicators.CarriedBack == 0
            ? L("Gli indicatori sono come erano alla fine del giorno indicato: valori e obiettivi registrati dopo non cambiano questa relazione.",
                "The indicators are as they stood at the end of the day given: figures and targets recorded later do not change this report.")
            : L($"Gli indicatori sono come erano alla fine del giorno indicato; per {Count(indicators.CarriedBack)} di essi Regia conserva la storia solo dal {indicators.HistoryStarts?.ToString("d MMMM yyyy", culture)}, e sono riportati come erano allora.",
                $"The indicators are as they stood at the end of the day given; for {Count(indicators.CarriedBack)} of them Regia holds their history only from {indicators.HistoryStarts?.ToString("d MMMM yyyy", culture)}, and they are shown as they stood then.")));
        blocks.Add(new ReportTable(
            L("Indicatori per stato", "Indicators by status"),
            [L("Stato", "Status"), L("Indicatori", "Indicators")],
            [.. Enum.GetValues<TrackStatus>().Select(s => (IReadOnlyList<string>)[StatusName(s, english), Count(dashboard.Indicators.GetValueOrDefault(s))])],
            new HashSet<int> { 1 }));
        if (indicators.Indicators.Count > 0)
        {
            blocks.Add(new ReportTable(
                L("Gli indicatori: ultimo valore e stato", "The indicators: latest figure and status"),
                [L("Codice", "Code"), L("Indicatore", "Indicator"), L("Periodo", "Period"), L("Valore", "Value"), L("Unità", "Unit"), L("Stato", "Status")],
                [.. indicators.Indicators.Select(i => (IReadOnlyList<string>)[
                    i.Code, english ? i.NameEn ?? i.Name : i.Name, i.LatestPeriod ?? "n/d",
                    i.LatestValue is { } value ? value.ToString("#,0.##", culture) : "n/d", i.Unit, StatusName(i.Status, english)])],
                new HashSet<int> { 3 }));
        }

        return new MonitoringReport(date, english ? "en" : "it", title, blocks);
    }

    private static string StatusName(TrackStatus status, bool english) => status switch
    {
        TrackStatus.OnTrack => english ? "On track" : "In linea",
        TrackStatus.OffTrack => english ? "Off track" : "Non in linea",
        TrackStatus.TargetMet => english ? "Target met" : "Obiettivo raggiunto",
        TrackStatus.NotAssessed => english ? "Context figure" : "Di contesto",
        _ => english ? "Not enough data" : "Dati insufficienti",
    };

    private static string SourceName(Actions.FundingSource source, bool english) => source switch
    {
        Actions.FundingSource.Pnrr => "PNRR",
        Actions.FundingSource.EuCohesion => english ? "EU cohesion funds 2021–27" : "Fondi europei di coesione 2021–27",
        Actions.FundingSource.National => english ? "National funds" : "Fondi nazionali",
        Actions.FundingSource.Regional => english ? "Regional funds" : "Fondi regionali",
        Actions.FundingSource.MetropolitanCity => english ? "Città metropolitana budget" : "Bilancio della Città metropolitana",
        Actions.FundingSource.Municipal => english ? "Comuni budgets" : "Bilanci comunali",
        Actions.FundingSource.OtherPublic => english ? "Other public funds" : "Altri fondi pubblici",
        Actions.FundingSource.Private => english ? "Private" : "Privati",
        _ => english ? "To be found" : "Da reperire",
    };
}
