using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Core.Alignment;

/// <summary>
/// The alignment engine as the site and the command line use it: a model of the plan in force, learnt from every
/// labelled example the database holds, made again when the data moves. What it learns from, in this order:
/// the plan's texts and the PNRR programme's names of its measures; the examples kept from imported files
/// (<see cref="AlignmentExampleRecord"/>, by key); and every action with a stated mission (an official label such
/// as a PNRR project's, or what an editor stated) with its confirmed objectives (by id). The same data gives the same
/// model, on any instance (<see cref="BuildAsync"/>).
/// </summary>
/// <remarks>
/// Whether anything changed is asked of the audit trail (every change to an action writes to it) and of the
/// examples' latest id, as <see cref="RollupCache"/> does. A model is kept at least <see cref="MinAge"/> even when
/// the data moves, so that an import's thousands of changes cost one rebuild, not one per view: a confirmed link
/// teaches the engine within that time, without a restart. One rebuild at a time; others meanwhile get the model
/// they had.
/// </remarks>
public sealed class AlignmentEngine(TimeProvider clock) : IDisposable
{
    /// <summary>The shortest time a model is kept once built, however much the data moves.</summary>
    public static readonly TimeSpan MinAge = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private Kept? kept;

    /// <summary>The model as of the latest change (or of at most <see cref="MinAge"/> ago).</summary>
    public async Task<AlignmentModel> ModelAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var current = kept;
        if (current is not null && clock.GetUtcNow() - current.At < MinAge)
        {
            return current.Model;
        }

        var mark = await MarkAsync(db, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.Mark == mark)
        {
            kept = current with { At = clock.GetUtcNow() };
            return current.Model;
        }

        if (current is not null && !await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            // Another request is rebuilding: this one answers with the model it had.
            return current.Model;
        }

        if (current is null)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (kept is { } ready && ready.Mark == mark)
            {
                return ready.Model;
            }

            // The mark is read before the data: a change landing in between is in the model or moves the mark, never lost.
            var model = await BuildAsync(db, cancellationToken).ConfigureAwait(false);
            kept = new Kept(mark, clock.GetUtcNow(), model);
            return model;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the kept model: the next request builds one from the data (after an import that taught it much).</summary>
    public void Forget() => kept = null;

    public void Dispose() => gate.Dispose();

    /// <summary>Learns a model from the database: the plan in force, the shipped PNRR catalogue, the kept examples and the labelled actions.</summary>
    public static async Task<AlignmentModel> BuildAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var plan = await PlanAsync(db, cancellationToken).ConfigureAwait(false);
        return AlignmentModel.Train(plan, await ExamplesAsync(db, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The plan in force as the engine reads it, with the PNRR programme's measures beside its missions.</summary>
    public static async Task<AlignmentPlan> PlanAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var missions = await PlanQueries.CurrentPlanMissionsQuery(db)
            .Include(m => m.ThematicAreas).Include(m => m.Objectives)
            .AsSplitQuery().ToListAsync(cancellationToken).ConfigureAwait(false);
        return AlignmentPlan.From(missions).With(await PnrrCatalogue.ShippedAsync().ConfigureAwait(false));
    }

    /// <summary>Every labelled example in the database, in a fixed order (examples by key, then actions by id, then DUP objectives by id).</summary>
    public static async Task<List<AlignmentExample>> ExamplesAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var examples = await db.AlignmentExamples.AsNoTracking().OrderBy(e => e.Key)
            .Select(e => new AlignmentExample(e.Text, e.Measure, e.Mission, null))
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var confirmed = (await db.Set<ActionObjective>().AsNoTracking()
                .OrderBy(o => o.ActionId).ThenBy(o => o.Id)
                .Select(o => new { o.ActionId, o.Objective!.Code })
                .ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(o => o.ActionId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(o => o.Code)]);

        await foreach (var a in db.Actions.AsNoTracking().Where(a => a.MissionId != null).OrderBy(a => a.Id)
            .Select(a => new
            {
                a.Id,
                a.Title,
                a.Description,
                Body = a.LeadOrganization!.Name,
                Mission = a.Mission!.Number,
                Measure = a.Funding.Where(f => f.PnrrMeasure != null).OrderBy(f => f.Id).Select(f => f.PnrrMeasure).FirstOrDefault(),
            })
            .AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            examples.Add(new AlignmentExample(new AlignmentQuery(a.Title, a.Description, null, a.Body).Text, a.Measure, a.Mission, confirmed.GetValueOrDefault(a.Id)));
        }

        // The Enti's own links of their DUP objectives teach it how programming documents word the plan's objectives.
        examples.AddRange(await Dup.DupRegister.ExamplesAsync(db, cancellationToken).ConfigureAwait(false));
        return examples;
    }

    private static async Task<(long Audit, int Examples)> MarkAsync(RegiaDbContext db, CancellationToken cancellationToken) =>
        (await ActionQueries.LastChangeAsync(db, cancellationToken).ConfigureAwait(false),
         await db.AlignmentExamples.MaxAsync(e => (int?)e.Id, cancellationToken).ConfigureAwait(false) ?? 0);

    private sealed record Kept((long Audit, int Examples) Mark, DateTimeOffset At, AlignmentModel Model);
}
