namespace Regia.Core.Actions;

/// <summary>One action's contribution to a roll-up: its progress (null when not set), its weight and its budget.</summary>
public sealed record ProgressInput(decimal? Progress, decimal Weight, decimal Budget);

/// <summary>
/// Where a set of actions stands. <see cref="Plain"/> is the weight-averaged progress, <see cref="BudgetWeighted"/>
/// the budget-averaged one; either is null when no action with progress counts. <see cref="NotAvailable"/> actions
/// have no progress set and are left out — they are shown as "n/d", never counted as zero.
/// </summary>
public sealed record ProgressSummary(decimal? Plain, decimal? BudgetWeighted, int Counted, int NotAvailable, int Total);

/// <summary>
/// The roll-up formula, written once and shown on the site:
/// <para>plain = Σ wᵢ·pᵢ / Σ wᵢ over the actions i with a progress pᵢ (0–100) and a weight wᵢ &gt; 0;
/// the weights are normalised by their sum, so only their ratios matter;</para>
/// <para>budget-weighted = Σ bᵢ·pᵢ / Σ bᵢ over the actions with a progress and a planned budget bᵢ &gt; 0;</para>
/// <para>actions without progress are excluded from both and counted as "n/d". An action with weight 0 is
/// recorded but does not move the plain figure.</para>
/// Decidim's accountability module counts unset progress as zero and ignores weights; this does neither.
/// </summary>
public static class ProgressRollup
{
    public static ProgressSummary Summarize(IReadOnlyCollection<ProgressInput> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var withProgress = actions.Where(a => a.Progress is not null).ToList();
        var weighted = withProgress.Where(a => a.Weight > 0).ToList();
        var budgeted = withProgress.Where(a => a.Budget > 0).ToList();
        var weightSum = weighted.Sum(a => a.Weight);
        var budgetSum = budgeted.Sum(a => a.Budget);
        return new ProgressSummary(
            weightSum > 0 ? Round(weighted.Sum(a => a.Weight * a.Progress!.Value) / weightSum) : null,
            budgetSum > 0 ? Round(budgeted.Sum(a => a.Budget * a.Progress!.Value) / budgetSum) : null,
            withProgress.Count,
            actions.Count - withProgress.Count,
            actions.Count);
    }

    private static decimal Round(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
