using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Common;

namespace Regia.Core.Plans;

/// <summary>What loading a plan file did.</summary>
public enum PlanLoadOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>What loading a plan file did to the plan <paramref name="Slug"/>.</summary>
/// <param name="Slug">The plan's slug.</param>
/// <param name="Outcome">Created, updated or left unchanged.</param>
/// <param name="Missions">The plan's missions after loading.</param>
/// <param name="Objectives">The plan's objectives after loading.</param>
/// <param name="KeptFromVersions">
/// Objectives whose text and actor marks the file would have changed but a later version of the plan, adopted by the
/// council, had set: they keep the version's (their codes are in the audit entry).
/// </param>
public sealed record PlanLoadResult(string Slug, PlanLoadOutcome Outcome, int Missions, int Objectives, int KeptFromVersions = 0);

/// <summary>
/// Loads a plan file into the database, idempotently: a plan already loaded from the same content is left
/// untouched, a changed file updates the plan in place (objectives keep their identity by mission and number).
/// Objectives that exist in the database but not in the file are kept, because actions and an administrator's
/// additions may refer to them; everything is written in one SaveChanges, so a failure writes nothing.
/// The file is the plan as first adopted (version 1): an objective that a later adopted version added, changed or
/// retired keeps that version's text and actor marks, so a corrected file (a new release of Regia, a fixed typo)
/// never undoes what the council decided afterwards.
/// </summary>
public static class LoadPlan
{
    public static async Task<PlanLoadResult> ExecuteAsync(RegiaDbContext db, PlanDocument document, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(clock);
        var hash = PlanFile.ContentHash(document);
        var plan = await db.Plans
            .Include(p => p.Sections).Include(p => p.Keywords).Include(p => p.Coordinates).Include(p => p.Directions)
            .Include(p => p.Missions).ThenInclude(m => m.ThematicAreas)
            .Include(p => p.Missions).ThenInclude(m => m.Objectives)
            .AsSplitQuery()
            .SingleOrDefaultAsync(p => p.Slug == document.Slug, cancellationToken).ConfigureAwait(false);

        var outcome = plan is null ? PlanLoadOutcome.Created : PlanLoadOutcome.Updated;
        if (plan is not null && plan.ContentHash == hash)
        {
            return new PlanLoadResult(plan.Slug, PlanLoadOutcome.Unchanged, plan.Missions.Count, plan.Missions.Sum(m => m.Objectives.Count));
        }

        if (plan is null)
        {
            plan = new Plan { Slug = document.Slug, Title = document.Title, ChapterTitle = document.ChapterTitle, SourceDescription = document.Source, ContentHash = hash };
            db.Plans.Add(plan);
        }

        plan.Title = document.Title;
        plan.ChapterTitle = document.ChapterTitle;
        plan.StartYear = document.Period.Start;
        plan.EndYear = document.Period.End;
        plan.Status = document.Status;
        plan.PredecessorSlug = document.Updates?.Slug;
        plan.PredecessorTitle = document.Updates?.Title;
        plan.SourceDescription = document.Source;
        plan.ContentHash = hash;
        plan.LoadedAtUtc = clock.GetUtcNow().UtcDateTime;

        OwnedChildren.Replace(db, plan.Sections, document.Sections.Select(s => new PlanSection { Kind = s.Kind, Title = s.Title, Body = s.Body }));
        OwnedChildren.Replace(db, plan.Keywords, document.Keywords.Select((k, i) => new VisionKeyword { Position = i + 1, Name = k.Name, Body = k.Body }));
        OwnedChildren.Replace(db, plan.Coordinates, document.Coordinates.Select((c, i) => new ActionCoordinate { Position = i + 1, Name = c.Name, Body = c.Body }));
        OwnedChildren.Replace(db, plan.Directions, document.Directions.Select(d => new ActorLevelDirection { Level = d.Level, Title = d.Title, Body = d.Body }));

        var versioned = plan.Id == 0 ? new HashSet<string>() : await VersionedCodesAsync(db, plan.Id, cancellationToken).ConfigureAwait(false);
        var kept = new List<string>();
        foreach (var source in document.Missions)
        {
            var mission = plan.Missions.SingleOrDefault(m => m.Number == source.Number);
            if (mission is null)
            {
                mission = new Mission { Number = source.Number, Title = source.Title, ShortTitle = source.ShortTitle, Statement = source.Statement };
                plan.Missions.Add(mission);
            }

            mission.Title = source.Title;
            mission.ShortTitle = source.ShortTitle;
            mission.Statement = source.Statement;
            mission.ObjectivesInSource = source.ObjectivesInSource;
            OwnedChildren.Replace(db, mission.ThematicAreas, source.ThematicAreas.Select((a, i) => new ThematicArea { Position = i + 1, Name = a }));
            foreach (var item in source.Objectives)
            {
                var objective = mission.Objectives.SingleOrDefault(o => o.Number == item.Number);
                if (objective is null)
                {
                    objective = new Objective { Number = item.Number, Code = item.Code, Text = item.Text, Actors = item.Actors };
                    mission.Objectives.Add(objective);
                }

                if (versioned.Contains(objective.Code))
                {
                    if (objective.Text != item.Text || objective.Actors != item.Actors)
                    {
                        kept.Add(objective.Code);
                    }

                    continue;
                }

                objective.Code = item.Code;
                objective.Text = item.Text;
                objective.Actors = item.Actors;
                objective.Origin = item.Origin;
            }
        }

        db.Audit(new AuditRecord("plan", () => plan.Slug, outcome == PlanLoadOutcome.Created ? "load" : "reload", plan.LoadedAtUtc)
        {
            After = new { plan.Title, status = plan.Status.ToString(), contentHash = hash, missions = plan.Missions.Count, objectives = plan.Missions.Sum(m => m.Objectives.Count), keptFromVersions = kept },
            Comment = document.Source,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new PlanLoadResult(plan.Slug, outcome, plan.Missions.Count, plan.Missions.Sum(m => m.Objectives.Count), kept.Count);
    }

    /// <summary>The codes of the objectives that an adopted version after the first added, changed or retired.</summary>
    private static async Task<HashSet<string>> VersionedCodesAsync(RegiaDbContext db, int planId, CancellationToken cancellationToken)
    {
        var codes = await db.Set<ObjectiveChange>()
            .Where(c => db.Set<PlanVersion>().Any(v => v.Id == c.VersionId && v.PlanId == planId && v.Number > 1 && v.Status == PlanVersionStatus.Adopted))
            .Select(c => c.ObjectiveCode)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. codes];
    }

}
