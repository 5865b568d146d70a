using Microsoft.EntityFrameworkCore;
using Regia.Core.Plans.Import;

namespace Regia.Core.Plans;

/// <summary>A plan as the site and the API show it; texts keep their <c>**emphasis**</c>.</summary>
public sealed record PlanView(
    string Slug,
    string Title,
    string ChapterTitle,
    int StartYear,
    int EndYear,
    PlanStatus Status,
    PlanReferenceView? Updates,
    string Source,
    DateTime LoadedAtUtc,
    IReadOnlyList<PlanSection> Sections,
    IReadOnlyList<VisionKeyword> Keywords,
    IReadOnlyList<ActionCoordinate> Coordinates,
    IReadOnlyList<ActorLevelDirection> Directions,
    IReadOnlyList<MissionView> Missions)
{
    public string? SectionBody(PlanSectionKind kind) => Sections.FirstOrDefault(s => s.Kind == kind)?.Body;

    public ActorLevelDirection? Direction(ActorLevel level) => Directions.FirstOrDefault(d => d.Level == level);

    public int ObjectiveCount => Missions.Sum(m => m.Objectives.Count);
}

/// <summary>The plan this one updates; <see cref="Available"/> says whether Regia holds its content.</summary>
public sealed record PlanReferenceView(string Slug, string Title, bool Available);

public sealed record MissionView(
    int Number,
    string Code,
    string Title,
    string ShortTitle,
    string Statement,
    IReadOnlyList<string> ThematicAreas,
    bool ObjectivesInSource,
    IReadOnlyList<ObjectiveView> Objectives);

/// <remarks><see cref="RetiredOn"/>: the day a version of the plan retired it (its page stays, for the history).</remarks>
public sealed record ObjectiveView(string Code, int Mission, int Number, string Text, ActorLevels Actors, ObjectiveOrigin Origin, DateOnly? RetiredOn = null)
{
    /// <summary>The objective's text without emphasis markers, as a title.</summary>
    public string Title => PlanText.StripEmphasis(Text);
}

/// <summary>Read operations on plans, shared by the pages, the API and the command line.</summary>
public static class PlanQueries
{
    /// <summary>
    /// The plan in force: the adopted plan with the latest period; when none is adopted yet, the latest plan.
    /// </summary>
    public static async Task<PlanView?> GetCurrentPlanAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var slug = await CurrentPlanSlug(db).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return slug is null ? null : await GetPlanAsync(db, slug, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<PlanView?> GetPlanAsync(RegiaDbContext db, string slug, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var plan = await db.Plans.AsNoTracking()
            .Include(p => p.Sections).Include(p => p.Keywords).Include(p => p.Coordinates).Include(p => p.Directions)
            .Include(p => p.Missions).ThenInclude(m => m.ThematicAreas)
            .Include(p => p.Missions).ThenInclude(m => m.Objectives)
            .AsSplitQuery()
            .SingleOrDefaultAsync(p => p.Slug == slug, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return null;
        }

        var predecessorLoaded = plan.PredecessorSlug is not null
            && await db.Plans.AnyAsync(p => p.Slug == plan.PredecessorSlug, cancellationToken).ConfigureAwait(false);
        return new PlanView(
            plan.Slug,
            plan.Title,
            plan.ChapterTitle,
            plan.StartYear,
            plan.EndYear,
            plan.Status,
            plan.PredecessorSlug is null ? null : new PlanReferenceView(plan.PredecessorSlug, plan.PredecessorTitle ?? plan.PredecessorSlug, predecessorLoaded),
            plan.SourceDescription,
            plan.LoadedAtUtc,
            [.. plan.Sections.OrderBy(s => s.Kind)],
            [.. plan.Keywords.OrderBy(k => k.Position)],
            [.. plan.Coordinates.OrderBy(c => c.Position)],
            [.. plan.Directions.OrderBy(d => d.Level)],
            [.. plan.Missions.OrderBy(m => m.Number).Select(m => new MissionView(
                m.Number,
                m.Code,
                m.Title,
                m.ShortTitle,
                m.Statement,
                [.. m.ThematicAreas.OrderBy(a => a.Position).Select(a => a.Name)],
                m.ObjectivesInSource,
                // The version in force: objectives a later version retired are kept for the history, not listed.
                [.. m.Objectives.Where(o => o.RetiredOn == null).OrderBy(o => o.Number).Select(o => ToView(o, m.Number))]))]);
    }

    /// <summary>Objectives of the plan in force, optionally of one mission and one actor level, in code order.</summary>
    public static async Task<IReadOnlyList<ObjectiveView>> ListObjectivesAsync(RegiaDbContext db, int? mission = null, ActorLevel? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = CurrentPlanObjectives(db).Where(o => o.RetiredOn == null);
        if (mission is not null)
        {
            query = query.Where(o => o.Mission!.Number == mission);
        }

        query = actor switch
        {
            ActorLevel.MetropolitanCity => query.Where(o => o.Actors.MetropolitanCity),
            ActorLevel.Municipalities => query.Where(o => o.Actors.Municipalities),
            ActorLevel.IntermediateBodies => query.Where(o => o.Actors.IntermediateBodies),
            _ => query,
        };

        var rows = await query
            .OrderBy(o => o.Mission!.Number).ThenBy(o => o.Number)
            .Select(o => new { o.Code, Mission = o.Mission!.Number, o.Number, o.Text, o.Actors, o.Origin })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(o => new ObjectiveView(o.Code, o.Mission, o.Number, o.Text, o.Actors, o.Origin))];
    }

    /// <summary>One objective of the plan in force by its code (case-insensitive, e.g. <c>m2.12</c>).</summary>
    public static async Task<ObjectiveView?> GetObjectiveAsync(RegiaDbContext db, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(code);
        var normalized = code.Trim().ToUpperInvariant();
        var row = await CurrentPlanObjectives(db)
            .Where(o => o.Code == normalized)
            .Select(o => new { o.Code, Mission = o.Mission!.Number, o.Number, o.Text, o.Actors, o.Origin, o.RetiredOn })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : new ObjectiveView(row.Code, row.Mission, row.Number, row.Text, row.Actors, row.Origin, row.RetiredOn);
    }

    private static IQueryable<string> CurrentPlanSlug(RegiaDbContext db) =>
        db.Plans.AsNoTracking()
            .OrderBy(p => p.Status == PlanStatus.Adopted ? 0 : 1)
            .ThenByDescending(p => p.StartYear)
            .Select(p => p.Slug);

    /// <summary>The slug of the plan in force (the adopted one, the newest first), or null when none is loaded.</summary>
    public static Task<string?> CurrentPlanSlugAsync(RegiaDbContext db, CancellationToken cancellationToken = default) =>
        CurrentPlanSlug(db).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The objectives of the plan in force, as a query other features can compose.</summary>
    public static IQueryable<Objective> CurrentPlanObjectivesQuery(RegiaDbContext db) => CurrentPlanObjectives(db);

    /// <summary>The missions of the plan in force, as a query other features can compose.</summary>
    public static IQueryable<Mission> CurrentPlanMissionsQuery(RegiaDbContext db)
    {
        var slug = CurrentPlanSlug(db).Take(1);
        return db.Missions.AsNoTracking().Where(m => slug.Contains(m.Plan!.Slug));
    }

    private static IQueryable<Objective> CurrentPlanObjectives(RegiaDbContext db)
    {
        var slug = CurrentPlanSlug(db).Take(1);
        return db.Objectives.AsNoTracking().Where(o => slug.Contains(o.Mission!.Plan!.Slug));
    }

    private static ObjectiveView ToView(Objective o, int mission) => new(o.Code, mission, o.Number, o.Text, o.Actors, o.Origin);
}
