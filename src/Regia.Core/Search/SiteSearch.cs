using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Plans;

namespace Regia.Core.Search;

/// <summary>What a search finds: an objective, a Comune, an organisation or an action.</summary>
public enum SearchKind
{
    Objective,
    Municipality,
    Organization,
    Action,
}

/// <summary>One result: what it is, its key, its title, a detail line, its page and its score (0–1).</summary>
public sealed record SearchHit(SearchKind Kind, string Key, string Title, string? Detail, string Url, double Score);

/// <summary>A page of results, best first, with how many of each kind match in all.</summary>
public sealed record SearchResults(string Query, IReadOnlyList<SearchHit> Items, int Page, int PageSize, int Total, IReadOnlyDictionary<SearchKind, int> Counts);

/// <summary>
/// The site's search: actions, objectives, organisations and Comuni, read with the same Italian analysis as the
/// alignment engine (folded, stemmed: "scuola" finds "SCUOLE", "citta" finds "città"). Every word of the query must
/// match; results rank by how many words match in the title,
/// then objectives, Comuni, organisations and actions in that order. Actions carry their stems in two columns
/// (<see cref="PlanAction.SearchTitle"/>, <see cref="PlanAction.SearchText"/>), matched in SQL on both databases;
/// the plan's objectives, the Comuni and the organisations are few and read whole.
/// </summary>
public static class SiteSearch
{
    public const int MaxPageSize = 100;

    /// <summary>The stems of a text as a search column stores them: distinct, in order, each between spaces.</summary>
    public static string Column(params string?[] texts)
    {
        var stems = texts.SelectMany(ItalianText.SearchStems).Distinct(StringComparer.Ordinal).ToList();
        return stems.Count == 0 ? " " : " " + string.Join(' ', stems) + " ";
    }

    /// <summary>
    /// The query's stems (at most eight), each as the pattern a search column contains: " stem ". Whole stems only: the
    /// start of a stem would find "provincia" for "prova".
    /// </summary>
    public static IReadOnlyList<string> Patterns(string? query) =>
        [.. ItalianText.SearchStems(query).Distinct(StringComparer.Ordinal).Take(8).Select(s => " " + s + " ")];

    /// <summary>The CUP the query is, when it is one (people paste them), or null.</summary>
    public static string? CupOf(string? query) => Actions.Cup.Normalize(query) is { Length: 15 } cup && Actions.Cup.Problem(cup) is null ? cup : null;

    /// <summary>The actions a query finds: the one with its CUP, or those whose text holds every word.</summary>
    public static IQueryable<PlanAction> Matching(IQueryable<PlanAction> actions, string? query)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return CupOf(query) is { } cup ? actions.Where(a => a.Cup == cup) : Matching(actions, Patterns(query));
    }

    /// <summary>The actions whose text holds every pattern (none: all of them).</summary>
    public static IQueryable<PlanAction> Matching(IQueryable<PlanAction> actions, IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(patterns);
        foreach (var pattern in patterns)
        {
            actions = actions.Where(a => a.SearchText.Contains(pattern));
        }

        return actions;
    }

    /// <summary>Searches everything the public sees; <paramref name="page"/> from 1.</summary>
    public static async Task<SearchResults> SearchAsync(RegiaDbContext db, string query, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var patterns = Patterns(query);
        var cup = CupOf(query);
        if (patterns.Count == 0 && cup is null)
        {
            return new SearchResults(query, [], page, pageSize, 0, new Dictionary<SearchKind, int>());
        }

        // A CUP names one action: the plan, the Comuni and the organisations are not searched for it.
        var small = new List<SearchHit>();
        if (cup is null)
        {
            await SearchSmallAsync(db, patterns, small, cancellationToken).ConfigureAwait(false);
        }

        small = [.. small.OrderByDescending(h => h.Score).ThenBy(h => h.Kind)];
        var actions = Matching(db.Actions.AsNoTracking().Where(a => a.Publication == PublicationState.Published), query);
        var actionCount = await actions.CountAsync(cancellationToken).ConfigureAwait(false);
        var wanted = page * pageSize;
        var actionHits = new List<SearchHit>();
        if (actionCount > 0)
        {
            var rows = await actions.Select(InTitle(patterns)).OrderByDescending(r => r.InTitle).ThenByDescending(r => r.Id).Take(wanted)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            actionHits.AddRange(rows.Select(r => new SearchHit(
                SearchKind.Action,
                r.Id.ToString(CultureInfo.InvariantCulture),
                r.ReadableTitle.Length > 0 ? r.ReadableTitle : r.Title,
                r.Mission is { } m ? string.Create(CultureInfo.InvariantCulture, $"{r.Lead} · M{m}") : r.Lead,
                string.Create(CultureInfo.InvariantCulture, $"/azioni/{r.Id}"),
                cup is null ? Score(patterns.Count, r.InTitle) : 1)));
        }

        // Both lists are best first: merging them keeps the order, and the page is a slice of the merge.
        var merged = new List<SearchHit>(Math.Min(wanted, small.Count + actionHits.Count));
        int i = 0, j = 0;
        while (merged.Count < wanted && (i < small.Count || j < actionHits.Count))
        {
            merged.Add(j >= actionHits.Count || (i < small.Count && small[i].Score >= actionHits[j].Score) ? small[i++] : actionHits[j++]);
        }

        var counts = small.GroupBy(h => h.Kind).ToDictionary(g => g.Key, g => g.Count());
        counts[SearchKind.Action] = actionCount;
        return new SearchResults(query, [.. merged.Skip((page - 1) * pageSize)], page, pageSize, small.Count + actionCount, counts);
    }

    /// <summary>The plan's objectives, the Comuni in force and the organisations whose names hold every pattern.</summary>
    private static async Task SearchSmallAsync(RegiaDbContext db, IReadOnlyList<string> patterns, List<SearchHit> small, CancellationToken cancellationToken)
    {
        var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db).Select(o => new { o.Code, o.Text, Mission = o.Mission!.Number, o.Number }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var objective in objectives.OrderBy(o => o.Mission).ThenBy(o => o.Number))
        {
            var text = Plans.Import.PlanText.StripEmphasis(objective.Text);
            Add(small, patterns, SearchKind.Objective, objective.Code, objective.Code + " " + text, null, null, string.Create(CultureInfo.InvariantCulture, $"/obiettivi/{objective.Code}"), $"{objective.Code} — {text}");
        }

        var municipalities = await db.Municipalities.AsNoTracking().Where(m => m.ValidTo == null)
            .Select(m => new { m.IstatCode, m.Name, Zone = m.Zone!.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var municipality in municipalities.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            Add(small, patterns, SearchKind.Municipality, municipality.IstatCode, municipality.Name, municipality.Zone, municipality.Zone, $"/territorio/comuni/{municipality.IstatCode}", municipality.Name);
        }

        var organizations = await db.Organizations.AsNoTracking().Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var organization in organizations.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var id = organization.Id.ToString(CultureInfo.InvariantCulture);
            Add(small, patterns, SearchKind.Organization, id, organization.Name, null, null, $"/azioni?soggetto={id}", organization.Name);
        }
    }

    /// <summary>Adds a hit when every pattern is in its text (the title's words count double).</summary>
    private static void Add(List<SearchHit> hits, IReadOnlyList<string> patterns, SearchKind kind, string key, string title, string? more, string? detail, string url, string shown)
    {
        var inTitle = Column(title);
        var all = more is null ? inTitle : Column(title, more);
        if (!patterns.All(p => all.Contains(p, StringComparison.Ordinal)))
        {
            return;
        }

        hits.Add(new SearchHit(kind, key, shown, detail, url, Score(patterns.Count, patterns.Count(p => inTitle.Contains(p, StringComparison.Ordinal)))));
    }

    /// <summary>Every word matched counts one; each matched in the title one more: from 0.5 (none in the title) to 1.</summary>
    private static double Score(int words, int inTitle) => (words + inTitle) / (2.0 * words);

    /// <summary>An action as the search ranks it (settable properties: EF orders by members of a projection it can bind).</summary>
    private sealed class Ranked
    {
        public int Id { get; init; }

        public int InTitle { get; init; }

        public string ReadableTitle { get; init; } = "";

        public string Title { get; init; } = "";

        public string Lead { get; init; } = "";

        public int? Mission { get; init; }
    }

    /// <summary>An action's id, titles, lead and mission, and how many patterns its title holds: a sum of CASE WHEN SQL computes.</summary>
    private static Expression<Func<PlanAction, Ranked>> InTitle(IReadOnlyList<string> patterns)
    {
        Expression<Func<PlanAction, Ranked>> shape = a => new Ranked
        {
            Id = a.Id,
            InTitle = 0,
            ReadableTitle = a.ReadableTitle,
            Title = a.Title,
            Lead = a.LeadOrganization!.Name,
            Mission = a.Mission != null ? a.Mission.Number : null,
        };
        var action = shape.Parameters[0];
        var title = Expression.Property(action, nameof(PlanAction.SearchTitle));
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        Expression sum = Expression.Constant(0);
        foreach (var pattern in patterns)
        {
            // A closure's field, not a constant: EF sends each pattern as a parameter.
            Expression<Func<string>> value = () => pattern;
            sum = Expression.Add(sum, Expression.Condition(Expression.Call(title, contains, value.Body), Expression.Constant(1), Expression.Constant(0)));
        }

        var init = (MemberInitExpression)shape.Body;
        var bindings = init.Bindings.Select(b => b.Member.Name == nameof(Ranked.InTitle) ? Expression.Bind(b.Member, sum) : b);
        return Expression.Lambda<Func<PlanAction, Ranked>>(Expression.MemberInit(init.NewExpression, bindings), action);
    }
}
