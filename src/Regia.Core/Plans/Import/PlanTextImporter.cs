using System.Globalization;
using System.Text.RegularExpressions;

namespace Regia.Core.Plans.Import;

/// <summary>What the source text does not say about the plan, given by whoever imports it.</summary>
public sealed record PlanImportOptions
{
    public PlanStatus Status { get; init; } = PlanStatus.Draft;

    public string Source { get; init; } = "Capitolo 3 «Visione e obiettivi strategici» del piano, testo estratto dal PDF.";
}

/// <summary>An error in a plan's source text, with the 1-based line it was found at.</summary>
public sealed record PlanImportError(int Line, string Message)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"riga {Line}: {Message}");
}

/// <summary>The source text cannot be imported; nothing has been written.</summary>
public sealed class PlanImportException(IReadOnlyList<PlanImportError> errors)
    : Exception("Il testo del piano non può essere importato:\n - " + string.Join("\n - ", errors))
{
    public IReadOnlyList<PlanImportError> Errors { get; } = errors;
}

/// <summary>
/// Reads the plan's vision-and-objectives chapter as extracted from its PDF — the way a plan arrives — into a
/// <see cref="PlanDocument"/>. The format: a cover (keywords and missions' short titles), the chapter title, the
/// framing sections, then one block per mission: "MISSIONE n.", its title, a “ line and the statement, the
/// thematic areas, and an "OBIETTIVI STRATEGICI" table whose rows are "number text" followed by three
/// tab-separated actor cells (a radio mark or empty). The parser is strict: anything it cannot place is an error
/// naming its line, because silently dropping plan content is worse than refusing the file.
/// </summary>
public static partial class PlanTextImporter
{
    private const string ApproachHeading = "L'approccio del Piano";
    private const string CoordinatesHeading = "Coordinate generali d'azione";
    private const string VisionHeading = "Visione dello sviluppo metropolitano";
    private const string ObjectivesHeading = "Obiettivi strategici";
    private const string TableHeading = "OBIETTIVI STRATEGICI";
    private const string Mark = "<input type=\"radio\"/>";

    private static readonly string[] ActorColumns = ["CITTÀ METROPOLITANA", "COMUNI", "CORPI INTERMEDI E ALTRI ATTORI"];

    /// <exception cref="PlanImportException">The text is not a complete plan chapter; the errors name their lines.</exception>
    public static PlanDocument Import(string text, PlanImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new PlanImportOptions();
        var lines = text.TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var errors = new List<PlanImportError>();

        var cover = FindLine(lines, 0, l => CoverHeading().IsMatch(l));
        var chapter = cover < 0 ? -1 : FindLine(lines, cover + 1, l => ChapterTitle().IsMatch(l));
        var firstMission = chapter < 0 ? -1 : FindLine(lines, chapter + 1, l => MissionHeading().IsMatch(l));
        if (cover < 0 || chapter < 0 || firstMission < 0)
        {
            var missing = cover < 0 ? "l'intestazione del capitolo (es. «03 | VISIONE E OBIETTIVI STRATEGICI»)"
                : chapter < 0 ? "il titolo del capitolo (es. «3. Visione e obiettivi strategici»)"
                : "la prima missione («MISSIONE 1.»)";
            throw new PlanImportException([new(lines.Length, $"il file termina senza {missing}: è troncato o non è il capitolo del piano.")]);
        }

        var chapterTitle = PlanText.StripEmphasis(ChapterTitle().Match(lines[chapter]).Groups[1].Value);
        var coverBlocks = Blocks(lines, cover + 1, chapter).Select(b => PlanText.StripEmphasis(b.Text)).ToList();
        var framing = ReadFraming(lines, chapter + 1, firstMission, chapterTitle, coverBlocks, errors);
        var missions = ReadMissions(lines, firstMission, errors);

        var missionShortTitles = coverBlocks.Where(b => !framing.Keywords.Any(k => Same(k.Name, b))).ToList();
        if (missionShortTitles.Count != missions.Count && errors.Count == 0)
        {
            errors.Add(new(cover + 1, $"la copertina elenca {missionShortTitles.Count} titoli di missione, il testo {missions.Count} missioni."));
        }

        if (errors.Count > 0)
        {
            throw new PlanImportException(errors);
        }

        var period = PlanPeriodMention().Matches(string.Join('\n', framing.Sections.Select(s => s.Body)))
            .Select(m => new PlanPeriod(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .Distinct()
            .ToList();
        if (period.Count == 0)
        {
            throw new PlanImportException([new(chapter + 2, "il testo non nomina il periodo del piano (es. «Il Piano strategico 2025-2027»).")]);
        }

        var current = period[0];
        var predecessor = period.Skip(1).Where(p => p.End <= current.Start).OrderByDescending(p => p.Start).FirstOrDefault();
        return new PlanDocument
        {
            Slug = SlugFor(current),
            Title = string.Create(CultureInfo.InvariantCulture, $"Piano Strategico Triennale del Territorio Metropolitano {current.Start}–{current.End}"),
            ChapterTitle = chapterTitle,
            Period = current,
            Status = options.Status,
            Updates = predecessor is null ? null : new PlanReference(SlugFor(predecessor), string.Create(CultureInfo.InvariantCulture, $"Piano strategico {predecessor.Start}–{predecessor.End}")),
            Source = options.Source,
            Sections = framing.Sections,
            Keywords = framing.Keywords,
            Coordinates = framing.Coordinates,
            Directions = framing.Directions,
            Missions = [.. missions.Select((m, i) => m with { ShortTitle = missionShortTitles[i] })],
        };
    }

    private static string SlugFor(PlanPeriod period) => string.Create(CultureInfo.InvariantCulture, $"psttm-{period.Start}-{period.End}");

    private sealed record Framing(
        List<SectionDocument> Sections,
        List<NamedTextDocument> Keywords,
        List<NamedTextDocument> Coordinates,
        List<DirectionDocument> Directions);

    private enum ItemKind
    {
        Paragraph,
        Bullet,
        Heading,
    }

    private sealed record Item(ItemKind Kind, string Text, int Line);

    private static Framing ReadFraming(string[] lines, int start, int end, string chapterTitle, List<string> coverBlocks, List<PlanImportError> errors)
    {
        string[] headings = [ApproachHeading, CoordinatesHeading, VisionHeading, ObjectivesHeading];
        var items = Items(lines, start, end, headings, coverBlocks);
        var framing = new Framing([], [], [], []);
        string? heading = null;
        var headingLine = start;
        var paragraphs = new List<string>();
        var bullets = new List<Item>();
        string? keyword = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        void Flush()
        {
            var body = string.Join("\n\n", paragraphs);
            switch (heading)
            {
                case null:
                    framing.Sections.Add(new(PlanSectionKind.Introduction, chapterTitle, body));
                    break;
                case ApproachHeading:
                    framing.Sections.Add(new(PlanSectionKind.Approach, heading, body));
                    break;
                case CoordinatesHeading:
                    framing.Sections.Add(new(PlanSectionKind.Coordinates, heading, body));
                    framing.Coordinates.AddRange(bullets.Select(b => ReadBullet(b, errors)).OfType<NamedTextDocument>());
                    break;
                case VisionHeading when keyword is null:
                    framing.Sections.Add(new(PlanSectionKind.Vision, heading, body));
                    break;
                case VisionHeading:
                    framing.Keywords.Add(new(keyword, body));
                    break;
                case ObjectivesHeading:
                    framing.Sections.Add(new(PlanSectionKind.Objectives, heading, body));
                    var directions = bullets.Select(b => ReadBullet(b, errors)).OfType<NamedTextDocument>().ToList();
                    if (directions.Count != ActorColumns.Length)
                    {
                        errors.Add(new(headingLine, $"la sezione «{ObjectivesHeading}» deve elencare le {ActorColumns.Length} direzioni degli obiettivi (una per livello di attori), ne elenca {directions.Count}."));
                    }

                    framing.Directions.AddRange(directions.Take(ActorColumns.Length).Select((d, i) => new DirectionDocument((ActorLevel)i, d.Name.TrimEnd('.'), d.Body)));
                    break;
            }

            if (heading is not (CoordinatesHeading or ObjectivesHeading) && bullets.Count > 0)
            {
                paragraphs.AddRange(bullets.Select(b => b.Text));
            }

            paragraphs = [];
            bullets = [];
        }

        foreach (var item in items)
        {
            if (item.Kind == ItemKind.Heading)
            {
                var isKeyword = !headings.Contains(item.Text, StringComparer.OrdinalIgnoreCase);
                if (isKeyword && heading != VisionHeading)
                {
                    // A cover word outside the vision section is ordinary text, not a keyword heading.
                    paragraphs.Add(item.Text);
                    continue;
                }

                Flush();
                if (!seen.Add(item.Text))
                {
                    errors.Add(new(item.Line, $"la sezione «{item.Text}» compare due volte."));
                }

                if (isKeyword)
                {
                    keyword = item.Text;
                }
                else
                {
                    heading = headings.First(h => Same(h, item.Text));
                    keyword = null;
                }

                headingLine = item.Line;
                continue;
            }

            if (item.Kind == ItemKind.Bullet)
            {
                bullets.Add(item);
            }
            else
            {
                paragraphs.Add(item.Text);
            }
        }

        Flush();
        foreach (var required in headings.Where(h => !seen.Contains(h)))
        {
            errors.Add(new(end, $"la sezione «{required}» non è stata trovata prima della prima missione."));
        }

        if (framing.Keywords.Count == 0 && seen.Contains(VisionHeading))
        {
            errors.Add(new(end, $"la sezione «{VisionHeading}» non contiene le parole chiave elencate in copertina."));
        }

        return framing;
    }

    private static NamedTextDocument? ReadBullet(Item bullet, List<PlanImportError> errors)
    {
        var match = BoldBullet().Match(bullet.Text);
        if (!match.Success)
        {
            errors.Add(new(bullet.Line, "voce d'elenco non riconosciuta: attesa «- **nome**, testo»."));
            return null;
        }

        return new NamedTextDocument(PlanText.StripEmphasis(match.Groups[1].Value).TrimEnd(',', ':'), PlanText.Clean(match.Groups[2].Value).TrimEnd(';'));
    }

    /// <summary>Paragraphs, bullets and headings; a paragraph split by a page break is joined back.</summary>
    private static List<Item> Items(string[] lines, int start, int end, string[] headings, List<string> coverBlocks)
    {
        var raw = new List<Item>();
        foreach (var block in Blocks(lines, start, end))
        {
            Item? current = null;
            foreach (var (line, number) in block.Lines)
            {
                if (line.StartsWith("- ", StringComparison.Ordinal))
                {
                    if (current is not null)
                    {
                        raw.Add(current);
                    }

                    current = new Item(ItemKind.Bullet, line.Trim(), number);
                }
                else
                {
                    current = current is null ? new Item(ItemKind.Paragraph, line.Trim(), number) : current with { Text = current.Text + " " + line.Trim() };
                }
            }

            if (current is not null)
            {
                raw.Add(current);
            }
        }

        var items = new List<Item>();
        foreach (var item in raw)
        {
            var plain = PlanText.StripEmphasis(item.Text);
            if (item.Kind == ItemKind.Paragraph && (headings.Any(h => Same(h, plain)) || coverBlocks.Any(c => Same(c, plain))))
            {
                items.Add(item with { Kind = ItemKind.Heading, Text = headings.FirstOrDefault(h => Same(h, plain)) ?? plain });
                continue;
            }

            var previous = items.Count > 0 ? items[^1] : null;
            if (previous is not null && previous.Kind != ItemKind.Heading && item.Kind == ItemKind.Paragraph && !EndsSentence(previous.Text))
            {
                items[^1] = previous with { Text = previous.Text + " " + item.Text };
                continue;
            }

            items.Add(item);
        }

        return [.. items.Select(i => i.Kind == ItemKind.Heading ? i : i with { Text = PlanText.Clean(i.Text) })];
    }

    private static List<MissionDocument> ReadMissions(string[] lines, int start, List<PlanImportError> errors)
    {
        var headers = Enumerable.Range(start, lines.Length - start).Where(i => MissionHeading().IsMatch(lines[i])).ToList();
        var missions = new List<MissionDocument>();
        var seen = new Dictionary<int, int>();
        for (var h = 0; h < headers.Count; h++)
        {
            var header = headers[h];
            var end = h + 1 < headers.Count ? headers[h + 1] : lines.Length;
            var match = MissionHeading().Match(lines[header]);
            var number = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            if (number is < Mission.FirstNumber or > Mission.LastNumber)
            {
                errors.Add(new(header + 1, $"missione {number} sconosciuta: le missioni vanno da {Mission.FirstNumber} a {Mission.LastNumber}, allineate alle missioni del PNRR."));
                continue;
            }

            if (seen.TryGetValue(number, out var firstLine))
            {
                errors.Add(new(header + 1, $"la missione {number} è già definita alla riga {firstLine}."));
                continue;
            }

            var expected = missions.Count == 0 ? Mission.FirstNumber : missions[^1].Number + 1;
            if (number != expected)
            {
                errors.Add(new(header + 1, $"attesa la missione {expected}, trovata la missione {number}: le missioni vanno in ordine."));
            }

            seen[number] = header + 1;
            var mission = ReadMission(lines, header, end, number, match.Groups[2].Value, errors);
            if (mission is not null)
            {
                missions.Add(mission);
            }
        }

        var missing = Enumerable.Range(Mission.FirstNumber, Mission.LastNumber).Where(n => !seen.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(new(lines.Length, $"il file termina senza la missione {string.Join(", ", missing)}: è troncato?"));
        }

        return missions;
    }

    private static MissionDocument? ReadMission(string[] lines, int header, int end, int number, string titleOnHeader, List<PlanImportError> errors)
    {
        var quote = FindLine(lines, header + 1, l => l.Trim() is "“" or "\"", end);
        if (quote < 0)
        {
            errors.Add(new(header + 1, $"missione {number}: manca l'enunciato (una riga con “ seguita dal testo della missione)."));
            return null;
        }

        var title = PlanText.StripEmphasis(titleOnHeader);
        if (title.Length == 0)
        {
            var titleLine = FindLine(lines, header + 1, l => !IsNoise(l), quote);
            title = titleLine < 0 ? string.Empty : PlanText.StripEmphasis(lines[titleLine]);
        }

        if (title.Length == 0)
        {
            errors.Add(new(header + 1, $"missione {number}: manca il titolo."));
        }

        var table = FindLine(lines, quote + 1, l => l.Trim() == TableHeading, end);
        var blocks = Blocks(lines, quote + 1, table < 0 ? end : table).ToList();
        if (blocks.Count == 0)
        {
            errors.Add(new(quote + 1, $"missione {number}: l'enunciato è vuoto."));
            return null;
        }

        var statement = blocks[0].Text;
        var next = 1;
        while (next < blocks.Count && !EndsSentence(statement))
        {
            statement += " " + blocks[next++].Text;
        }

        var areas = blocks.Skip(next).Select(b => PlanText.StripEmphasis(b.Text)).ToList();
        var objectives = table < 0 ? [] : ReadObjectives(lines, table, end, number, errors);
        return new MissionDocument
        {
            Number = number,
            Title = title,
            ShortTitle = title,
            Statement = PlanText.Clean(statement),
            ThematicAreas = areas,
            ObjectivesInSource = table >= 0,
            Objectives = objectives,
        };
    }

    private static List<ObjectiveDocument> ReadObjectives(string[] lines, int table, int end, int mission, List<PlanImportError> errors)
    {
        var headerLine = FindLine(lines, table + 1, l => !string.IsNullOrWhiteSpace(l), end);
        var objectives = new List<ObjectiveDocument>();
        if (headerLine < 0)
        {
            errors.Add(new(table + 1, $"missione {mission}: la tabella degli obiettivi termina prima dell'intestazione: il file è troncato?"));
            return objectives;
        }

        var columns = lines[headerLine].Split('\t').Select(c => c.Trim()).Where(c => c.Length > 0).ToArray();
        if (!columns.SequenceEqual(ActorColumns, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new(headerLine + 1, $"missione {mission}: intestazione della tabella non riconosciuta: attese le colonne {string.Join(", ", ActorColumns)} separate da tabulazioni."));
            return objectives;
        }

        var firstLines = new Dictionary<int, int>();
        var lastNumber = 0;
        var row = headerLine + 1;
        for (; row < end && !string.IsNullOrWhiteSpace(lines[row]); row++)
        {
            var line = row + 1;
            var match = ObjectiveRow().Match(lines[row]);
            if (!match.Success)
            {
                errors.Add(new(line, $"missione {mission}: riga della tabella non riconosciuta: attesa «numero testo» seguita da tre celle separate da tabulazioni."));
                continue;
            }

            var objectiveNumber = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!firstLines.ContainsKey(objectiveNumber) && objectiveNumber != lastNumber + 1)
            {
                errors.Add(new(line, $"missione {mission}: atteso l'obiettivo {lastNumber + 1}, trovato l'obiettivo {objectiveNumber}: la numerazione deve essere consecutiva."));
            }

            lastNumber = Math.Max(lastNumber, objectiveNumber);
            var cells = match.Groups[2].Value.Split('\t');
            if (cells.Length != 1 + ActorColumns.Length)
            {
                var problem = cells.Length > 1 + ActorColumns.Length ? "troppe celle" : "celle mancanti (riga troncata?)";
                errors.Add(new(line, $"obiettivo {Objective.CodeFor(mission, objectiveNumber)}: {problem}: la riga ha {cells.Length} celle dopo il numero, ne sono attese {1 + ActorColumns.Length} (testo e {ActorColumns.Length} livelli di attori)."));
                continue;
            }

            if (firstLines.TryGetValue(objectiveNumber, out var first))
            {
                errors.Add(new(line, $"l'obiettivo {objectiveNumber} della missione {mission} è già definito alla riga {first}."));
                continue;
            }

            firstLines[objectiveNumber] = line;
            var marks = new bool[ActorColumns.Length];
            for (var c = 0; c < ActorColumns.Length; c++)
            {
                var cell = cells[c + 1].Trim();
                marks[c] = cell.Length > 0;
                if (cell.Length > 0 && !string.Equals(cell.Replace(" ", string.Empty, StringComparison.Ordinal), Mark.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(new(line, $"obiettivo {Objective.CodeFor(mission, objectiveNumber)}: la cella «{ActorColumns[c]}» contiene «{cell}»: attesi un segno ({Mark}) o una cella vuota."));
                }
            }

            var text = PlanText.Clean(cells[0]);
            if (text.Length == 0)
            {
                errors.Add(new(line, $"obiettivo {Objective.CodeFor(mission, objectiveNumber)}: il testo è vuoto."));
            }

            objectives.Add(new ObjectiveDocument
            {
                Code = Objective.CodeFor(mission, objectiveNumber),
                Number = objectiveNumber,
                Text = text,
                Actors = new ActorLevels(marks[0], marks[1], marks[2]),
                Origin = ObjectiveOrigin.SourceDocument,
            });
        }

        if (objectives.Count == 0 && firstLines.Count == 0)
        {
            errors.Add(new(headerLine + 1, $"missione {mission}: la tabella degli obiettivi non ha righe: il file è troncato?"));
        }

        var leftover = FindLine(lines, row, l => !IsNoise(l), end);
        if (leftover >= 0)
        {
            errors.Add(new(leftover + 1, $"missione {mission}: testo inatteso dopo la tabella degli obiettivi: una riga vuota chiude la tabella."));
        }

        return objectives;
    }

    private sealed record Block(List<(string Line, int Number)> Lines)
    {
        public string Text => string.Join(' ', Lines.Select(l => l.Line.Trim()));
    }

    /// <summary>Runs of non-blank lines between <paramref name="start"/> and <paramref name="end"/>, page numbers left out.</summary>
    private static IEnumerable<Block> Blocks(string[] lines, int start, int end)
    {
        var current = new List<(string, int)>();
        for (var i = start; i < end; i++)
        {
            if (IsNoise(lines[i]))
            {
                if (current.Count > 0)
                {
                    yield return new Block(current);
                    current = [];
                }

                continue;
            }

            current.Add((lines[i], i + 1));
        }

        if (current.Count > 0)
        {
            yield return new Block(current);
        }
    }

    /// <summary>Blank lines, and the two-digit page and mission numbers the PDF's layout scattered through the text.</summary>
    private static bool IsNoise(string line) => string.IsNullOrWhiteSpace(line) || PageNumber().IsMatch(line);

    private static bool EndsSentence(string text)
    {
        var trimmed = text.TrimEnd().TrimEnd('*', '"', '”', ')').TrimEnd();
        return trimmed.Length > 0 && ".;:!?".Contains(trimmed[^1], StringComparison.Ordinal);
    }

    private static bool Same(string a, string b) => string.Equals(PlanText.Clean(a), PlanText.Clean(b), StringComparison.OrdinalIgnoreCase);

    private static int FindLine(string[] lines, int start, Func<string, bool> predicate, int end = -1)
    {
        end = end < 0 ? lines.Length : end;
        for (var i = start; i < end; i++)
        {
            if (predicate(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"^\s*\d{1,2}\s*\|\s*\S")]
    private static partial Regex CoverHeading();

    [GeneratedRegex(@"^\d{1,2}\.\s+(\S.*)$")]
    private static partial Regex ChapterTitle();

    [GeneratedRegex(@"^MISSIONE\s+(\d+)\.?\s*(.*)$")]
    private static partial Regex MissionHeading();

    [GeneratedRegex(@"^\s*\d{2}\s*$")]
    private static partial Regex PageNumber();

    [GeneratedRegex(@"^(\d+)[\t ](.*)$")]
    private static partial Regex ObjectiveRow();

    [GeneratedRegex(@"^-\s+\*\*(.+?)\*\*\s*[,:]?\s*(.*)$")]
    private static partial Regex BoldBullet();

    [GeneratedRegex(@"(?:Piano|PSTTM)(?:\s+strategico)?\s+(\d{4})\s*[-–]\s*(\d{4})")]
    private static partial Regex PlanPeriodMention();
}
