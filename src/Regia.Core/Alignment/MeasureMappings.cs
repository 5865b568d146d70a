using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Plans;
using Regia.Core.Proposals;

namespace Regia.Core.Alignment;

/// <summary>
/// An administrator's decision that every project of a PNRR measure serves an objective ("every project of
/// M4C1I1.1 serves M4.6"). A measure may map to several objectives, in order: the first becomes the primary.
/// </summary>
public sealed class MeasureMapping
{
    public int Id { get; set; }

    /// <summary>The measure's code as <see cref="PnrrMeasure.Normalize"/> gives it (e.g. <c>M4C1I1.1</c>).</summary>
    public required string Measure { get; set; }

    public int ObjectiveId { get; set; }

    public Objective? Objective { get; set; }

    /// <summary>Order among the measure's objectives (0: the primary one).</summary>
    public int Position { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class MeasureMappingConfiguration : IEntityTypeConfiguration<MeasureMapping>
{
    public void Configure(EntityTypeBuilder<MeasureMapping> builder)
    {
        builder.ToTable("MeasureMappings");
        builder.Property(m => m.Measure).HasMaxLength(32);
        builder.HasIndex(m => new { m.Measure, m.ObjectiveId }).IsUnique();
        builder.HasOne(m => m.Objective).WithMany().HasForeignKey(m => m.ObjectiveId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>How often the engine suggests an objective for the projects of a measure.</summary>
public sealed record SuggestedForMeasure(string Objective, string Text, int Actions);

/// <summary>
/// A PNRR measure as the planners' view shows it: its name in the programme, its projects and planned money in
/// Regia, the objectives the engine suggests for them (most frequent first), the objectives an administrator mapped
/// it to, and how many of its projects follow that mapping.
/// </summary>
public sealed record MeasureSummary(
    string Measure, string? Name, int Mission, int Actions, decimal Planned, IReadOnlyList<SuggestedForMeasure> Suggested, IReadOnlyList<string> Mapped, int Following);

/// <summary>
/// The measure view and the administrators' measure mappings. A mapping applies to every action funded by the
/// measure, present and future (imports apply it to the actions they create), whose objective links nobody has
/// stated: an action without links, or one whose links a mapping set. An editor who states other links for one
/// action decides for it (<see cref="LinkOrigin.Stated"/>) and mappings leave it alone from then on.
/// Each action a mapping changes gets a new version and an audit entry through <see cref="SaveAction"/>.
/// </summary>
public static class MeasureMappings
{
    /// <summary>The PNRR measures present in the actions' funding, largest planned money first.</summary>
    public static async Task<IReadOnlyList<MeasureSummary>> ListAsync(RegiaDbContext db, string? measure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var lines = db.Set<FundingLine>().AsNoTracking().Where(f => f.PnrrMeasure != null);
        if (measure is not null)
        {
            lines = lines.Where(f => f.PnrrMeasure == measure);
        }

        // Amounts are summed here, not in SQL: SQLite stores decimals as text and cannot add them exactly.
        var funding = await lines.Select(f => new { f.ActionId, Measure = f.PnrrMeasure!, f.Planned }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var suggestions = db.ActionSuggestions.AsNoTracking().Where(s => s.Measure != null && s.ObjectiveId != null && s.State != SuggestionState.Rejected);
        if (measure is not null)
        {
            suggestions = suggestions.Where(s => s.Measure == measure);
        }

        var suggested = (await suggestions.GroupBy(s => new { s.Measure, s.Objective!.Code, s.Objective.Text })
                .Select(g => new { g.Key.Measure, g.Key.Code, g.Key.Text, Count = g.Count() })
                .ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(s => s.Measure!, s => new SuggestedForMeasure(s.Code, s.Text, s.Count));
        var mapped = await MappedCodesAsync(db, cancellationToken).ConfigureAwait(false);
        var following = (await db.Actions.AsNoTracking().Where(a => a.LinkOrigin == LinkOrigin.Measure)
                .SelectMany(a => a.Funding.Where(f => f.PnrrMeasure != null).Select(f => new { f.ActionId, f.PnrrMeasure }))
                .Distinct().ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(f => f.PnrrMeasure!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var names = (await PnrrCatalogue.ShippedAsync().ConfigureAwait(false)).ToDictionary(m => m.Code, m => m.Name, StringComparer.Ordinal);
        return [.. funding.GroupBy(f => f.Measure, StringComparer.Ordinal)
            .Select(g => new MeasureSummary(
                g.Key,
                names.GetValueOrDefault(g.Key),
                PnrrMeasure.MissionOf(g.Key) ?? 0,
                g.Select(f => f.ActionId).Distinct().Count(),
                g.Sum(f => f.Planned),
                [.. suggested[g.Key].OrderByDescending(s => s.Actions).ThenBy(s => s.Objective, StringComparer.Ordinal)],
                mapped.GetValueOrDefault(g.Key) ?? [],
                following.GetValueOrDefault(g.Key)))
            .OrderByDescending(m => m.Planned).ThenBy(m => m.Measure, StringComparer.Ordinal)];
    }

    /// <summary>The objectives each mapped measure serves, in order (the first is the primary).</summary>
    public static async Task<Dictionary<string, IReadOnlyList<string>>> MappedCodesAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.MeasureMappings.AsNoTracking().OrderBy(m => m.Measure).ThenBy(m => m.Position)
            .Select(m => new { m.Measure, m.Objective!.Code }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(r => r.Measure, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(r => r.Code)], StringComparer.Ordinal);
    }

    /// <summary>
    /// Maps a measure to objectives (none: removes its mapping) and applies the mapping at once to the measure's
    /// actions that follow mappings; all or nothing.
    /// </summary>
    /// <returns>How many actions changed.</returns>
    /// <exception cref="ActionForbiddenException">The caller is not an administrator.</exception>
    /// <exception cref="ActionValidationException">The measure or an objective is unknown, or an action's change breaks a rule; nothing is written.</exception>
    public static async Task<int> SetAsync(RegiaDbContext db, string measure, IReadOnlyList<string> objectives, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(objectives);
        ArgumentNullException.ThrowIfNull(clock);
        if (!db.Caller.IsAdministrator)
        {
            throw new ActionForbiddenException("Solo gli amministratori stabiliscono a quali obiettivi corrisponde una misura PNRR.");
        }

        var code = PnrrMeasure.Normalize(measure);
        if (code is null)
        {
            throw new ActionValidationException(new Dictionary<string, string[]> { ["measure"] = [$"«{measure}» non è il codice di una misura PNRR (ad esempio M4C1I1.1)."] });
        }

        var wanted = objectives.Select(o => o.Trim().ToUpperInvariant()).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var known = await PlanQueries.CurrentPlanObjectivesQuery(db).Where(o => EF.Parameter(wanted).Contains(o.Code))
            .ToDictionaryAsync(o => o.Code, o => o.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        if (wanted.Where(w => !known.ContainsKey(w)).ToList() is { Count: > 0 } unknown)
        {
            throw new ActionValidationException(new Dictionary<string, string[]> { ["objectives"] = [$"Obiettivi che il piano non ha: {string.Join(", ", unknown)}."] });
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var before = await db.MeasureMappings.Where(m => m.Measure == code).OrderBy(m => m.Position).Include(m => m.Objective).ToListAsync(cancellationToken).ConfigureAwait(false);
        var beforeCodes = before.Select(m => m.Objective!.Code).ToList();
        if (beforeCodes.SequenceEqual(wanted, StringComparer.Ordinal))
        {
            return 0;
        }

        db.MeasureMappings.RemoveRange(before);
        db.MeasureMappings.AddRange(wanted.Select((w, i) => new MeasureMapping { Measure = code, ObjectiveId = known[w], Position = i, CreatedAtUtc = now }));
        db.Audit(new AuditRecord("measure", () => code, wanted.Count == 0 ? "unmap" : "map", now)
        {
            Before = new { objectives = beforeCodes },
            After = new { objectives = wanted },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();
        var changed = await ApplyAsync(db, db.Actions.Where(a => a.Funding.Any(f => f.PnrrMeasure == code)), clock, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>
    /// Brings the actions of <paramref name="scope"/> that follow mappings in line with the mappings of their PNRR
    /// measures (the union over their funding lines, in order): links them, or unlinks those whose mapping went.
    /// Runs inside the caller's transaction (an import's, or <see cref="SetAsync"/>'s).
    /// </summary>
    /// <returns>How many actions changed.</returns>
    internal static async Task<int> ApplyAsync(RegiaDbContext db, IQueryable<PlanAction> scope, TimeProvider clock, CancellationToken cancellationToken)
    {
        var mapped = await MappedCodesAsync(db, cancellationToken).ConfigureAwait(false);
        var measures = mapped.Keys.ToList();
        var candidates = await scope.AsNoTracking()
            .Where(a => a.LinkOrigin == LinkOrigin.Measure
                || (a.LinkOrigin == LinkOrigin.None && a.Funding.Any(f => f.PnrrMeasure != null && EF.Parameter(measures).Contains(f.PnrrMeasure))))
            .OrderBy(a => a.Id).Select(a => new { a.Id, Mission = a.Mission != null ? a.Mission.Number : (int?)null })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return 0;
        }

        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        try
        {
            var changed = 0;
            foreach (var chunk in candidates.Chunk(500))
            {
                var ids = chunk.Select(c => c.Id).ToList();
                var measuresOf = (await db.Set<FundingLine>().AsNoTracking().Where(f => EF.Parameter(ids).Contains(f.ActionId) && f.PnrrMeasure != null)
                        .OrderBy(f => f.Id).Select(f => new { f.ActionId, f.PnrrMeasure }).ToListAsync(cancellationToken).ConfigureAwait(false))
                    .ToLookup(f => f.ActionId, f => f.PnrrMeasure!);
                var following = new List<int>();
                var unlinked = new List<int>();
                foreach (var (id, mission) in chunk.Select(c => (c.Id, c.Mission)))
                {
                    if (await ActionSnapshot.InputOfAsync(db, id, cancellationToken).ConfigureAwait(false) is not { } stored)
                    {
                        continue;
                    }

                    var codes = measuresOf[id].Distinct(StringComparer.Ordinal).SelectMany(m => mapped.GetValueOrDefault(m) ?? []).Distinct(StringComparer.Ordinal).ToList();
                    var current = new[] { stored.Input.PrimaryObjective }.OfType<string>().Where(c => c.Length > 0).Concat(stored.Input.SecondaryObjectives).ToList();
                    if (current.SequenceEqual(codes, StringComparer.Ordinal))
                    {
                        continue;
                    }

                    var input = codes.Count == 0
                        ? stored.Input with { PrimaryObjective = null, SecondaryObjectives = [], Mission = mission }
                        : stored.Input with { PrimaryObjective = codes[0], SecondaryObjectives = [.. codes.Skip(1)], Mission = null };
                    var comment = codes.Count == 0
                        ? "Corrispondenza della misura PNRR rimossa dall'amministrazione: obiettivi scollegati."
                        : string.Create(CultureInfo.InvariantCulture, $"Corrispondenza della misura PNRR stabilita dall'amministrazione: {string.Join(", ", measuresOf[id].Distinct(StringComparer.Ordinal).Where(mapped.ContainsKey))} → {string.Join(", ", codes)}.");
                    try
                    {
                        await SaveAction.UpdateAsync(db, id, stored.Version, input, clock, comment, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ActionValidationException invalid)
                    {
                        throw invalid.Naming(id);
                    }

                    db.ChangeTracker.Clear();
                    (codes.Count == 0 ? unlinked : following).Add(id);
                    changed++;
                }

                // Saving stated the links (SaveAction marks them so); they are the mapping's, and follow it from now on.
                await SetOriginAsync(db, following, LinkOrigin.Measure, cancellationToken).ConfigureAwait(false);
                await SetOriginAsync(db, unlinked, LinkOrigin.None, cancellationToken).ConfigureAwait(false);
            }

            return changed;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private static Task<int> SetOriginAsync(RegiaDbContext db, List<int> ids, LinkOrigin origin, CancellationToken cancellationToken) =>
        ids.Count == 0 ? Task.FromResult(0) : db.Actions.Where(a => EF.Parameter(ids).Contains(a.Id)).ExecuteUpdateAsync(u => u.SetProperty(a => a.LinkOrigin, origin), cancellationToken);
}
