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
        var sum = new ProgressSum();
        foreach (var action in actions)
        {
            sum.Add(action);
        }

        return sum.Summary;
    }

    internal static decimal Round(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}

/// <summary>
/// The sums <see cref="ProgressRollup"/>'s formula divides, added one action at a time: the summary of a set is the
/// same whatever the order its actions come in (decimal sums of these magnitudes are exact), so a roll-up can be
/// summed over a list, a group or an index without a list of inputs in between.
/// </summary>
public sealed class ProgressSum
{
    private decimal weightSum;
    private decimal weightedProgress;
    private decimal budgetSum;
    private decimal budgetedProgress;
    private int counted;
    private int total;

    public void Add(ProgressInput action) => Apply(action, 1);

    /// <summary>Takes back an action added before (its figures as they were then): the sums are exact, so nothing drifts.</summary>
    public void Remove(ProgressInput action) => Apply(action, -1);

    /// <summary>Adds the sums of another set of actions, as if each of them had been added here.</summary>
    public void Add(ProgressSum other)
    {
        ArgumentNullException.ThrowIfNull(other);
        weightSum += other.weightSum;
        weightedProgress += other.weightedProgress;
        budgetSum += other.budgetSum;
        budgetedProgress += other.budgetedProgress;
        counted += other.counted;
        total += other.total;
    }

    private void Apply(ProgressInput action, int sign)
    {
        ArgumentNullException.ThrowIfNull(action);
        total += sign;
        if (action.Progress is not { } progress)
        {
            return;
        }

        counted += sign;
        if (action.Weight > 0)
        {
            weightSum += sign * action.Weight;
            weightedProgress += sign * action.Weight * progress;
        }

        if (action.Budget > 0)
        {
            budgetSum += sign * action.Budget;
            budgetedProgress += sign * action.Budget * progress;
        }
    }

    public ProgressSummary Summary => new(
        weightSum > 0 ? ProgressRollup.Round(weightedProgress / weightSum) : null,
        budgetSum > 0 ? ProgressRollup.Round(budgetedProgress / budgetSum) : null,
        counted,
        total - counted,
        total);
}
