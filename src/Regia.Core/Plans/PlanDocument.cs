using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Regia.Core.Plans;

/// <summary>
/// The structured plan file: what the importer writes, what the application loads, and what an administrator
/// edits for the next plan. Field names are English; content is the plan's own Italian text.
/// </summary>
public sealed record PlanDocument
{
    public required string Slug { get; init; }
    public required string Title { get; init; }
    public required string ChapterTitle { get; init; }
    public required PlanPeriod Period { get; init; }
    public PlanStatus Status { get; init; }
    public PlanReference? Updates { get; init; }
    public required string Source { get; init; }
    public required IReadOnlyList<SectionDocument> Sections { get; init; }
    public required IReadOnlyList<NamedTextDocument> Keywords { get; init; }
    public required IReadOnlyList<NamedTextDocument> Coordinates { get; init; }
    public required IReadOnlyList<DirectionDocument> Directions { get; init; }
    public required IReadOnlyList<MissionDocument> Missions { get; init; }
}

public sealed record PlanPeriod(int Start, int End);

/// <summary>A plan named by this one (e.g. the one it updates) whose content Regia may not hold.</summary>
public sealed record PlanReference(string Slug, string Title);

public sealed record SectionDocument(PlanSectionKind Kind, string Title, string Body);

public sealed record NamedTextDocument(string Name, string Body);

public sealed record DirectionDocument(ActorLevel Level, string Title, string Body);

public sealed record MissionDocument
{
    public required int Number { get; init; }
    public required string Title { get; init; }
    public required string ShortTitle { get; init; }
    public required string Statement { get; init; }
    public required IReadOnlyList<string> ThematicAreas { get; init; }
    public required bool ObjectivesInSource { get; init; }
    public required IReadOnlyList<ObjectiveDocument> Objectives { get; init; }
}

public sealed record ObjectiveDocument
{
    public required string Code { get; init; }
    public required int Number { get; init; }
    public required string Text { get; init; }
    public required ActorLevels Actors { get; init; }
    public ObjectiveOrigin Origin { get; init; }
}

/// <summary>Reads and writes plan files (JSON, UTF-8, indented, accented letters kept readable).</summary>
public static class PlanFile
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A file for people to read and edit, never embedded in HTML: keep quotes and accents as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Serialize(PlanDocument plan) => JsonSerializer.Serialize(plan, JsonOptions) + "\n";

    /// <summary>Parses and validates a plan file; errors name the JSON path or the rule broken.</summary>
    /// <exception cref="PlanFileException">The file is not a valid plan.</exception>
    public static PlanDocument Parse(string json, string fileName)
    {
        PlanDocument? plan;
        try
        {
            plan = JsonSerializer.Deserialize<PlanDocument>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new PlanFileException(fileName, [$"{ex.Path ?? "$"}: {ex.Message}"]);
        }

        if (plan is null)
        {
            throw new PlanFileException(fileName, ["$: il file è vuoto."]);
        }

        var errors = PlanDocumentRules.Check(plan);
        return errors.Count > 0 ? throw new PlanFileException(fileName, errors) : plan;
    }

    public static async Task<PlanDocument> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var json = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        return Parse(json, Path.GetFileName(path));
    }

    /// <summary>Writes atomically: a temporary file beside the target is renamed over it, so a failure leaves the old file.</summary>
    public static async Task WriteAsync(PlanDocument plan, string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        await File.WriteAllTextAsync(temporary, Serialize(plan), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Hash of the plan's content, independent of formatting: the loader skips a plan it already holds.</summary>
    public static string ContentHash(PlanDocument plan) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(plan, JsonOptions))));
}

/// <summary>A plan file that cannot be loaded.</summary>
public sealed class PlanFileException(string fileName, IReadOnlyList<string> errors)
    : Exception($"Il file del piano «{fileName}» non è valido:\n - " + string.Join("\n - ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Rules every plan file must keep, whether the importer wrote it or an administrator edited it.</summary>
public static class PlanDocumentRules
{
    public static IReadOnlyList<string> Check(PlanDocument plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(plan.Slug) || !System.Text.RegularExpressions.Regex.IsMatch(plan.Slug, "^[a-z0-9]+(-[a-z0-9]+)*$"))
        {
            errors.Add($"slug: «{plan.Slug}» non è valido: usare lettere minuscole, cifre e trattini (es. psttm-2025-2027).");
        }

        if (plan.Period.End < plan.Period.Start)
        {
            errors.Add($"period: l'anno finale {plan.Period.End} precede quello iniziale {plan.Period.Start}.");
        }

        var seenMissions = new HashSet<int>();
        for (var i = 0; i < plan.Missions.Count; i++)
        {
            var mission = plan.Missions[i];
            var path = $"missions[{i}]";
            if (mission.Number is < Mission.FirstNumber or > Mission.LastNumber)
            {
                errors.Add($"{path}.number: la missione {mission.Number} non esiste: le missioni vanno da {Mission.FirstNumber} a {Mission.LastNumber}, come nel PNRR.");
            }

            if (!seenMissions.Add(mission.Number))
            {
                errors.Add($"{path}.number: la missione {mission.Number} è già definita.");
            }

            if (!mission.ObjectivesInSource && mission.Objectives.Any(o => o.Origin == ObjectiveOrigin.SourceDocument))
            {
                errors.Add($"{path}: la missione dichiara di non avere obiettivi nel documento di origine ma ne elenca con origine 'source-document'.");
            }

            var seenObjectives = new HashSet<int>();
            for (var j = 0; j < mission.Objectives.Count; j++)
            {
                var objective = mission.Objectives[j];
                var objectivePath = $"{path}.objectives[{j}]";
                if (objective.Number < 1)
                {
                    errors.Add($"{objectivePath}.number: il numero deve essere positivo.");
                }

                if (!seenObjectives.Add(objective.Number))
                {
                    errors.Add($"{objectivePath}.number: l'obiettivo {objective.Number} della missione {mission.Number} è già definito.");
                }

                var expected = Objective.CodeFor(mission.Number, objective.Number);
                if (objective.Code != expected)
                {
                    errors.Add($"{objectivePath}.code: «{objective.Code}» non corrisponde a missione e numero: atteso «{expected}».");
                }

                if (string.IsNullOrWhiteSpace(objective.Text))
                {
                    errors.Add($"{objectivePath}.text: il testo dell'obiettivo è vuoto.");
                }
            }
        }

        foreach (var level in Enum.GetValues<ActorLevel>())
        {
            if (plan.Directions.Count(d => d.Level == level) > 1)
            {
                errors.Add($"directions: il livello {level} compare più volte.");
            }
        }

        return errors;
    }
}
