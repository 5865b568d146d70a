using System.Globalization;
using System.Text.RegularExpressions;

namespace Regia.Core.Alignment;

/// <summary>What the engine is asked about: a project's title and description, with its PNRR measure and implementing body when known.</summary>
public sealed record AlignmentQuery(string? Title, string? Description = null, string? Measure = null, string? Body = null)
{
    public string Text => string.Join(' ', new[] { Title, Description, Body }.Where(t => !string.IsNullOrWhiteSpace(t)));
}

/// <summary>
/// An example the engine learns from: a text with the mission it serves (an official label, such as a PNRR project's
/// mission, or a mission an editor stated) and, when someone confirmed it, the objective.
/// </summary>
public sealed record AlignmentExample(string Text, string? Measure, int Mission, IReadOnlyList<string>? Objectives = null);

/// <summary>A mission the text may serve, its score (0–1, the missions' scores add up to 1) and the words that drove it.</summary>
public sealed record MissionScore(int Mission, double Score, IReadOnlyList<string> Terms)
{
    public string Code => string.Create(CultureInfo.InvariantCulture, $"M{Mission}");
}

/// <summary>An objective the text may serve, its score (0–1: its mission's score times how close the text is to it) and the words they share.</summary>
public sealed record ObjectiveScore(string Code, int Mission, double Score, IReadOnlyList<string> Terms);

/// <summary>The engine's answer: missions ranked (all of them) and objectives ranked (those the text comes near).</summary>
public sealed record AlignmentSuggestion(IReadOnlyList<MissionScore> Missions, IReadOnlyList<ObjectiveScore> Objectives)
{
    public MissionScore? TopMission => Missions.Count > 0 ? Missions[0] : null;

    public ObjectiveScore? TopObjective => Objectives.Count > 0 ? Objectives[0] : null;
}

/// <summary>
/// The alignment engine's model: a naive Bayes classifier of missions over Italian stems and stem pairs (and the
/// PNRR measure, when given), trained on the plan's own texts and on every labelled example; and, within the missions,
/// each objective's closeness to the text (cosine of tf-idf vectors of stems) to the objective's text in the plan and
/// to the texts of the actions confirmed on it. Training is deterministic: the same plan and examples in the same
/// order give the same model and the same answers, on any machine (no hash order, no randomness).
/// </summary>
public sealed partial class AlignmentModel
{
    /// <summary>The settings the engine runs with, chosen on the Lombardy evaluation (README, "Alignment engine").</summary>
    public static readonly AlignmentSettings DefaultSettings = new();

    /// <summary>How many objectives an answer lists at most.</summary>
    private const int MaxObjectives = 10;

    /// <summary>How many words an answer gives as the reasons of a mission or an objective.</summary>
    private const int MaxTerms = 6;

    private readonly int[] missions;
    private readonly Dictionary<string, int> features;
    private readonly double[] logLikelihood; // features × missions
    private readonly double[] logPrior;
    private readonly IReadOnlyList<ObjectiveVector> objectives;
    private readonly Dictionary<string, List<(int Objective, double Weight, bool Learnt)>> postings;
    private readonly Dictionary<string, double> idf;
    private readonly double unknownIdf;
    private readonly AlignmentSettings settings;

    private AlignmentModel(int[] missions, Dictionary<string, int> features, double[] logLikelihood, double[] logPrior,
        IReadOnlyList<ObjectiveVector> objectives, Dictionary<string, double> idf, double unknownIdf, int examples, AlignmentSettings settings)
    {
        this.missions = missions;
        this.features = features;
        this.logLikelihood = logLikelihood;
        this.logPrior = logPrior;
        this.objectives = objectives;
        // Dictionaries here were filled once, in a fixed order, and never removed from: their order is that order.
        postings = new Dictionary<string, List<(int, double, bool)>>(StringComparer.Ordinal);
        for (var i = 0; i < objectives.Count; i++)
        {
            foreach (var (stem, weight) in objectives[i].Plan)
            {
                Posting(stem).Add((i, weight, false));
            }

            foreach (var (stem, weight) in objectives[i].Learnt ?? [])
            {
                Posting(stem).Add((i, weight, true));
            }
        }
        this.idf = idf;
        this.unknownIdf = unknownIdf;
        this.settings = settings;
        Examples = examples;
    }

    /// <summary>How many labelled examples the model learnt from (0: the plan's texts alone).</summary>
    public int Examples { get; }

    /// <summary>Learns from the plan's texts and the examples, in the order given (order them by a key for the same model every time).</summary>
    public static AlignmentModel Train(AlignmentPlan plan, IEnumerable<AlignmentExample> examples, AlignmentSettings? settings = null)
    {
        settings ??= DefaultSettings;
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(examples);
        var missionNumbers = plan.Missions.Select(m => m.Number).ToArray();
        var column = missionNumbers.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var counts = new List<double[]>();
        var features = new Dictionary<string, int>(StringComparer.Ordinal);
        var totals = new double[missionNumbers.Length];
        var documents = new double[missionNumbers.Length];
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var documentCount = 0;
        var learnt = new Dictionary<string, (Dictionary<string, double> Sum, int Count)>(StringComparer.Ordinal);

        void Count(IReadOnlyList<string> docFeatures, int mission, double weight, bool labelled)
        {
            var i = column[mission];
            documents[i] += labelled ? 1 : 0;
            foreach (var feature in docFeatures)
            {
                if (!features.TryGetValue(feature, out var index))
                {
                    index = features.Count;
                    features[feature] = index;
                    counts.Add(new double[missionNumbers.Length]);
                }

                counts[index][i] += weight;
                totals[i] += weight;
            }
        }

        void CountDocument(IEnumerable<string> stems)
        {
            documentCount++;
            foreach (var stem in Distinct(stems))
            {
                documentFrequency[stem] = documentFrequency.GetValueOrDefault(stem) + 1;
            }
        }

        foreach (var mission in plan.Missions)
        {
            foreach (var text in mission.Texts)
            {
                var terms = ItalianText.Terms(text);
                Count(FeaturesOf(terms, null, null), mission.Number, settings.PlanTextWeight, labelled: false);
                CountDocument(terms.Select(t => t.Stem));
            }

            foreach (var objective in mission.Objectives)
            {
                var terms = ItalianText.Terms(objective.Text);
                Count(FeaturesOf(terms, null, null), mission.Number, settings.PlanTextWeight, labelled: false);
                CountDocument(terms.Select(t => t.Stem));
            }

            foreach (var measure in mission.Measures)
            {
                var terms = ItalianText.Terms(measure.Text);
                Count(FeaturesOf(terms, measure.Code, null), mission.Number, settings.PlanTextWeight, labelled: false);
                CountDocument(terms.Select(t => t.Stem));
            }
        }

        var labelled = 0;
        var objectiveCodes = plan.Missions.SelectMany(m => m.Objectives).Select(o => o.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var example in examples)
        {
            if (!column.ContainsKey(example.Mission))
            {
                continue;
            }

            labelled++;
            var terms = ItalianText.Terms(example.Text);
            Count(FeaturesOf(terms, example.Measure, example.Text), example.Mission, 1, labelled: true);
            CountDocument(terms.Select(t => t.Stem));
            foreach (var code in example.Objectives ?? [])
            {
                if (!objectiveCodes.Contains(code))
                {
                    continue;
                }

                var (sum, n) = learnt.GetValueOrDefault(code, (new Dictionary<string, double>(StringComparer.Ordinal), 0));
                foreach (var stem in Distinct(terms.Select(t => t.Stem)))
                {
                    sum[stem] = sum.GetValueOrDefault(stem) + 1;
                }

                learnt[code] = (sum, n + 1);
            }
        }

        var vocabulary = features.Count;
        var logLikelihood = new double[vocabulary * missionNumbers.Length];
        for (var f = 0; f < vocabulary; f++)
        {
            for (var m = 0; m < missionNumbers.Length; m++)
            {
                logLikelihood[(f * missionNumbers.Length) + m] = Math.Log((counts[f][m] + settings.Smoothing) / (totals[m] + (settings.Smoothing * vocabulary)));
            }
        }

        // The prior is the labelled examples' mix of missions (flat before there are any), damped by the settings.
        var allDocuments = documents.Sum();
        var logPrior = documents.Select(d => settings.PriorWeight * Math.Log((d + 1) / (allDocuments + documents.Length))).ToArray();
        var idf = documentFrequency.ToDictionary(e => e.Key, e => Math.Log((documentCount + 1.0) / (e.Value + 0.5)), StringComparer.Ordinal);
        var unknownIdf = Math.Log((documentCount + 1.0) / 0.5);
        double Idf(string stem) => idf.TryGetValue(stem, out var value) ? value : unknownIdf;

        // Each objective's text as a vector, and the texts of the actions confirmed on it.
        var vectors = new List<ObjectiveVector>();
        foreach (var mission in plan.Missions)
        {
            foreach (var objective in mission.Objectives)
            {
                var planVector = Normalize(Distinct(ItalianText.Stems(objective.Text)).Select(s => (s, Idf(s))));
                var learntVector = learnt.TryGetValue(objective.Code, out var l)
                    ? Normalize(l.Sum.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value / l.Count * Idf(e.Key))))
                    : null;
                vectors.Add(new ObjectiveVector(objective.Code, mission.Number, planVector, learntVector, learnt.TryGetValue(objective.Code, out var c) ? c.Count : 0));
            }

        }


        return new AlignmentModel(missionNumbers, features, logLikelihood, logPrior, vectors, idf, unknownIdf, labelled, settings);
    }

    /// <summary>Ranks the missions and the objectives for a text.</summary>
    public AlignmentSuggestion Suggest(AlignmentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = query.Text;
        var terms = ItalianText.Terms(text);
        var m = missions.Length;

        // The text's stems once each, with the word first written and the stem's weight (its rarity in what was learnt).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<(string Stem, string Word, double Weight)>(terms.Count);
        var norm = 0.0;
        foreach (var term in terms)
        {
            if (seen.Add(term.Stem))
            {
                var weight = idf.TryGetValue(term.Stem, out var value) ? value : unknownIdf;
                distinct.Add((term.Stem, term.Word, weight));
                norm += weight * weight;
            }
        }

        // How close the text is to each objective (cosine), from the postings of its stems only (most share none).
        norm = norm > 0 ? Math.Sqrt(norm) : 1;
        var plan = new double[objectives.Count];
        var learnt = new double[objectives.Count];
        foreach (var (stem, _, weight) in distinct)
        {
            if (postings.TryGetValue(stem, out var list))
            {
                foreach (var (index, other, isLearnt) in list)
                {
                    (isLearnt ? learnt : plan)[index] += weight / norm * other;
                }
            }
        }

        // Reasons are given rarest word first.
        distinct.Sort((a, b) => b.Weight.CompareTo(a.Weight) is var c and not 0 ? c : string.CompareOrdinal(a.Stem, b.Stem));
        var reasons = MissionTerms(distinct);
        var bayes = Bayes(FeaturesOf(terms, query.Measure, text));
        var missionScores = new List<MissionScore>(m);
        for (var j = 0; j < m; j++)
        {
            missionScores.Add(new MissionScore(missions[j], bayes[j], reasons[j]));
        }

        missionScores.Sort((a, b) => b.Score.CompareTo(a.Score) is var c and not 0 ? c : a.Mission.CompareTo(b.Mission));
        var byMission = new double[missions.Max() + 1];
        foreach (var score in missionScores)
        {
            byMission[score.Mission] = score.Score;
        }

        var ranked = new List<(double Score, int Index)>();
        for (var i = 0; i < objectives.Count; i++)
        {
            // The more confirmed examples, the more they count next to the plan's own wording.
            var trust = objectives[i].LearntFrom / (objectives[i].LearntFrom + 3.0);
            var near = ((1 - trust) * plan[i]) + (trust * learnt[i]);
            if (near > 0)
            {
                ranked.Add((byMission[objectives[i].Mission] * near, i));
            }
        }

        ranked.Sort((a, b) => b.Score.CompareTo(a.Score) is var c and not 0 ? c : a.Index.CompareTo(b.Index));
        var objectiveScores = new List<ObjectiveScore>(Math.Min(MaxObjectives, ranked.Count));
        for (var r = 0; r < ranked.Count && r < MaxObjectives; r++)
        {
            var objective = objectives[ranked[r].Index];
            objectiveScores.Add(new ObjectiveScore(objective.Code, objective.Mission, ranked[r].Score, SharedTerms(objective, distinct)));
        }

        return new AlignmentSuggestion(missionScores, objectiveScores);
    }

    /// <summary>Naive Bayes' share of each mission for the text's features (flat when no feature is known).</summary>
    private double[] Bayes(List<string> docFeatures)
    {
        var m = missions.Length;
        var scores = (double[])logPrior.Clone();
        var known = 0;
        foreach (var feature in docFeatures)
        {
            if (features.TryGetValue(feature, out var index))
            {
                known++;
                // A PNRR measure or component (given, or named by the text) says more than any one word.
                var weight = feature[0] == '§' ? settings.MeasureWeight : 1;
                for (var j = 0; j < m; j++)
                {
                    scores[j] += weight * logLikelihood[(index * m) + j];
                }
            }
        }

        return Softmax(scores, known);
    }

    /// <summary>The words of the text an objective's text (or the actions confirmed on it) also has, the rarest first.</summary>
    private static List<string> SharedTerms(ObjectiveVector objective, List<(string Stem, string Word, double Weight)> distinct)
    {
        var shared = new List<string>(MaxTerms);
        foreach (var (stem, word, _) in distinct)
        {
            if (objective.Plan.ContainsKey(stem) || (objective.Learnt?.ContainsKey(stem) ?? false))
            {
                shared.Add(word.ToLowerInvariant());
                if (shared.Count == MaxTerms)
                {
                    break;
                }
            }
        }

        return shared;
    }

    private List<(int, double, bool)> Posting(string stem)
    {
        if (!postings.TryGetValue(stem, out var list))
        {
            postings[stem] = list = [];
        }

        return list;
    }

    /// <summary>
    /// The words of the text that most favour each mission over the others: each known word favours the mission it is
    /// likeliest in, by its margin over the next; a mission's words, the widest margins first.
    /// </summary>
    private List<string>[] MissionTerms(List<(string Stem, string Word, double Weight)> distinct)
    {
        var m = missions.Length;
        var favoured = new List<(double Margin, string Word)>?[m];
        foreach (var (stem, word, _) in distinct)
        {
            if (!features.TryGetValue(stem, out var index))
            {
                continue;
            }

            var (best, first, second) = (-1, double.NegativeInfinity, double.NegativeInfinity);
            for (var j = 0; j < m; j++)
            {
                var value = logLikelihood[(index * m) + j];
                if (value > first)
                {
                    (second, first, best) = (first, value, j);
                }
                else if (value > second)
                {
                    second = value;
                }
            }

            if (first > second)
            {
                (favoured[best] ??= []).Add((first - second, word));
            }
        }

        var reasons = new List<string>[m];
        for (var j = 0; j < m; j++)
        {
            reasons[j] = [];
            if (favoured[j] is not { } list)
            {
                continue;
            }

            list.Sort((a, b) => b.Margin.CompareTo(a.Margin) is var c and not 0 ? c : string.CompareOrdinal(a.Word, b.Word));
            for (var k = 0; k < list.Count && reasons[j].Count < MaxTerms; k++)
            {
                reasons[j].Add(list[k].Word.ToLowerInvariant());
            }
        }

        return reasons;
    }

    /// <summary>
    /// Naive Bayes' log scores made into shares that add up to 1. Its independence assumption makes the raw posterior
    /// all but certain after a dozen words; the scores are tempered by the number of words, so that a long text and a
    /// short one speak with comparable confidence.
    /// </summary>
    private static double[] Softmax(double[] scores, int words)
    {
        var temperature = Math.Max(1, Math.Sqrt(words));
        var max = scores.Max();
        var exp = scores.Select(s => Math.Exp((s - max) / temperature)).ToArray();
        var sum = exp.Sum();
        return [.. exp.Select(e => e / sum)];
    }

    /// <summary>
    /// A text's features: its stems and each pair of neighbouring stems, once each, in order; the measure and its
    /// component when given; the components the text names itself ("PNRR M5 C3", "M4-C1-1.1: Asili nido") and the
    /// numbered code some open-data titles start with (<c>1.4.4c_a389Comune di Arese</c>, a sub-measure's number).
    /// </summary>
    internal static List<string> FeaturesOf(List<Term> terms, string? measure, string? text)
    {
        var result = new List<string>(terms.Count * 2 + 2);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < terms.Count; i++)
        {
            if (seen.Add(terms[i].Stem))
            {
                result.Add(terms[i].Stem);
            }

            if (i > 0 && terms[i - 1].Stem != terms[i].Stem)
            {
                var pair = string.Concat(terms[i - 1].Stem, " ", terms[i].Stem);
                if (seen.Add(pair))
                {
                    result.Add(pair);
                }
            }
        }

        if (PnrrMeasure.Normalize(measure) is { } code)
        {
            result.Add("§" + code);
            result.Add("§" + PnrrMeasure.ComponentOf(code));
        }

        if (!string.IsNullOrEmpty(text))
        {
            foreach (Match mention in ComponentMention().Matches(text))
            {
                var component = string.Concat("§M", mention.Groups[1].Value, "C", mention.Groups[2].Value);
                if (seen.Add(component))
                {
                    result.Add(component);
                }
            }

            if (LeadingCode().Match(text) is { Success: true } lead)
            {
                result.Add("#" + lead.Groups[1].Value);
            }
        }

        return result;
    }

    [GeneratedRegex(@"\bM\s?([1-7])\s?[-_.]?\s?C\s?([1-4])\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ComponentMention();

    [GeneratedRegex(@"^\s*([0-9]{1,2}(?:\.[0-9]{1,2}){1,3})(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingCode();

    private static List<string> Distinct(IEnumerable<string> stems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. stems.Where(seen.Add)];
    }

    private static Dictionary<string, double> Normalize(IEnumerable<(string Stem, double Weight)> weights)
    {
        var list = weights.ToList();
        var norm = Math.Sqrt(list.Sum(w => w.Weight * w.Weight));
        var vector = new Dictionary<string, double>(StringComparer.Ordinal);
        if (norm > 0)
        {
            foreach (var (stem, weight) in list)
            {
                vector[stem] = weight / norm;
            }
        }

        return vector;
    }

    private sealed record ObjectiveVector(string Code, int Mission, Dictionary<string, double> Plan, Dictionary<string, double>? Learnt, int LearntFrom);
}

/// <summary>The engine's knobs; the defaults are what the site runs with.</summary>
/// <param name="PlanTextWeight">How many labelled examples one of the plan's texts counts as: it is written to say what the mission is.</param>
/// <param name="Smoothing">Laplace smoothing of the word counts.</param>
/// <param name="PriorWeight">How much the mix of missions among the examples counts (0: not at all, 1: as naive Bayes has it).</param>
/// <param name="MeasureWeight">How many words a PNRR measure or component counts as.</param>
public sealed record AlignmentSettings(double PlanTextWeight = 3, double Smoothing = 0.1, double PriorWeight = 1, double MeasureWeight = 3);
