using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Plans.Import;

namespace Regia.Core.Dup;

/// <summary>Which coherence to compute: a DUP period (its first year), optionally one zone's Comuni and one mission's objectives.</summary>
public sealed record CoherenceFilter(int FirstYear, string? Zone = null, int? Mission = null);

/// <summary>A plan objective as a column of the matrix, with the actor levels the plan marks for it.</summary>
public sealed record CoherenceObjective(string Code, int Mission, string Text, ActorLevels Actors);

/// <summary>
/// One Ente's DUP against the plan: how many DUP objectives it recorded for the period, how many of them serve each plan
/// objective, and how many of the objectives the plan marks for its level they cover.
/// </summary>
public sealed record CoherenceRow(
    int OrganizationId,
    string Name,
    OrganizationKind Kind,
    string? IstatCode,
    string? ZoneSlug,
    string? ZoneName,
    int DupObjectives,
    IReadOnlyDictionary<string, int> Covered,
    int Marked,
    int MarkedCovered)
{
    /// <summary>Whether the Ente recorded its DUP for the period (a Comune that did not is not "incoherent", just unknown).</summary>
    public bool HasDup => DupObjectives > 0;

    /// <summary>The share (0–1) of the objectives marked for its level that its DUP covers; null without a DUP or with none marked.</summary>
    public double? Coverage => HasDup && Marked > 0 ? MarkedCovered / (double)Marked : null;

    /// <summary>How many of its DUP objectives serve the plan objective.</summary>
    public int Cell(string code) => Covered.GetValueOrDefault(code);
}

/// <summary>A zone's Comuni together: how many recorded a DUP, and for each plan objective how many of those cover it.</summary>
public sealed record CoherenceZone(string Slug, string Name, int Municipalities, int WithDup, IReadOnlyDictionary<string, int> Covering, double? AverageCoverage)
{
    public int Cell(string code) => Covering.GetValueOrDefault(code);
}

/// <summary>The metropolitan coherence matrix of a DUP period: Comuni (and the Città metropolitana) × the plan's objectives.</summary>
public sealed record DupCoherence(
    int FirstYear,
    IReadOnlyList<CoherenceObjective> Objectives,
    CoherenceRow? MetropolitanCity,
    IReadOnlyList<CoherenceRow> Municipalities,
    IReadOnlyList<CoherenceZone> Zones)
{
    public string Period => DupRegister.PeriodName(FirstYear);

    /// <summary>The Comuni that recorded their DUP for the period.</summary>
    public int WithDup => Municipalities.Count(m => m.HasDup);

    /// <summary>How many of the Comuni that recorded their DUP cover the objective.</summary>
    public int Covering(string code) => Municipalities.Count(m => m.Cell(code) > 0);

    /// <summary>The objectives marked for the Comuni that no recorded DUP covers: where the plan's guideline has not reached programming.</summary>
    public IEnumerable<CoherenceObjective> LeftOutByAll => WithDup == 0 ? [] : Objectives.Where(o => o.Actors.Municipalities && Covering(o.Code) == 0);
}

/// <summary>
/// Computes the coherence of the recorded DUPs with the plan in force: for each Comune (and the Città metropolitana)
/// which plan objectives its DUP objectives serve and, of those the plan marks for its level, which it covers and which it
/// leaves out; by zone, how many Comuni cover each objective. Retired objectives are not columns.
/// </summary>
public static class DupCoherenceQuery
{
    public static async Task<DupCoherence> ExecuteAsync(RegiaDbContext db, CoherenceFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var zones = await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new { z.Id, z.Slug, z.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (filter.Zone is { Length: > 0 } wantedZone && zones.All(z => z.Slug != wantedZone))
        {
            throw new DupException("zone", $"Nessuna zona omogenea «{wantedZone}».");
        }

        if (filter.Mission is < Mission.FirstNumber or > Mission.LastNumber)
        {
            throw new DupException("mission", string.Create(CultureInfo.InvariantCulture, $"La missione dev'essere tra {Mission.FirstNumber} e {Mission.LastNumber}."));
        }

        var objectiveRows = await PlanQueries.CurrentPlanObjectivesQuery(db).AsNoTracking().Where(o => o.RetiredOn == null)
            .Where(o => filter.Mission == null || o.Mission!.Number == filter.Mission)
            .OrderBy(o => o.Mission!.Number).ThenBy(o => o.Number)
            .Select(o => new { o.Code, Mission = o.Mission!.Number, o.Text, o.Actors })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var objectives = objectiveRows.Select(o => new CoherenceObjective(o.Code, o.Mission, PlanText.StripEmphasis(o.Text), o.Actors)).ToList();
        var columns = objectives.Select(o => o.Code).ToHashSet(StringComparer.Ordinal);

        var year = filter.FirstYear;
        var counts = await db.DupObjectives.AsNoTracking().Where(d => d.FirstYear == year)
            .GroupBy(d => d.OrganizationId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken).ConfigureAwait(false);
        var links = await db.Set<DupObjectiveLink>().AsNoTracking()
            .Join(db.DupObjectives.Where(d => d.FirstYear == year), l => l.DupObjectiveId, d => d.Id, (l, d) => new { d.OrganizationId, l.Objective!.Code })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var covered = links.Where(l => columns.Contains(l.Code)).GroupBy(l => l.OrganizationId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, int>)g.GroupBy(l => l.Code, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Count(), StringComparer.Ordinal));

        CoherenceRow Row(int organization, string name, OrganizationKind kind, string? istat, string? zoneSlug, string? zoneName)
        {
            var level = Organization.LevelOf(kind);
            var cells = covered.GetValueOrDefault(organization) ?? new Dictionary<string, int>(StringComparer.Ordinal);
            var marked = objectives.Where(o => o.Actors.Includes(level)).ToList();
            return new CoherenceRow(organization, name, kind, istat, zoneSlug, zoneName, counts.GetValueOrDefault(organization), cells, marked.Count, marked.Count(o => cells.ContainsKey(o.Code)));
        }

        var municipalityRows = await db.Organizations.AsNoTracking()
            .Where(o => o.Kind == OrganizationKind.Municipality && o.Municipality != null && o.Municipality.ValidTo == null)
            .Where(o => filter.Zone == null || filter.Zone == "" || o.Municipality!.Zone!.Slug == filter.Zone)
            .Select(o => new { o.Id, o.Municipality!.Name, o.Municipality.IstatCode, Zone = o.Municipality.Zone!.Slug, ZoneName = o.Municipality.Zone.Name })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var italian = StringComparer.Create(CultureInfo.GetCultureInfo("it-IT"), true);
        var municipalities = municipalityRows.OrderBy(m => m.Name, italian)
            .Select(m => Row(m.Id, m.Name, OrganizationKind.Municipality, m.IstatCode, m.Zone, m.ZoneName)).ToList();

        var metropolitan = await db.Organizations.AsNoTracking().Where(o => o.Kind == OrganizationKind.MetropolitanCity)
            .OrderBy(o => o.Id).Select(o => new { o.Id, o.Name }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        var zoneRows = zones.Where(z => filter.Zone is not { Length: > 0 } || z.Slug == filter.Zone).Select(z =>
        {
            var members = municipalities.Where(m => m.ZoneSlug == z.Slug).ToList();
            var withDup = members.Where(m => m.HasDup).ToList();
            var covering = objectives.ToDictionary(o => o.Code, o => withDup.Count(m => m.Cell(o.Code) > 0), StringComparer.Ordinal);
            var shares = withDup.Select(m => m.Coverage).OfType<double>().ToList();
            return new CoherenceZone(z.Slug, z.Name, members.Count, withDup.Count, covering, shares.Count == 0 ? null : shares.Average());
        }).ToList();

        return new DupCoherence(
            year,
            objectives,
            metropolitan is null ? null : Row(metropolitan.Id, metropolitan.Name, OrganizationKind.MetropolitanCity, null, null, null),
            municipalities,
            zoneRows);
    }
}
