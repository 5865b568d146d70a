using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Regia.Core.Alignment;

/// <summary>
/// A title people can read, made from an open-data title and synthesis. Italia Domani cuts project titles at 40
/// characters, in upper case ("FONDAZIONE IRCCS POLICLINICO SAN MATTEO"), or writes the measure's code and the
/// body's name in their place ("1.4.3 - pagoc_f786Comune di Mozzanica"); the synthesis' first field ("PIATTAFORMA
/// PAGOPA*TERRITORIO NAZIONALE*…") then says what the project is. The original title stays in the data and the
/// exports; an editor may state another readable title, which wins.
/// </summary>
public static partial class ReadableTitles
{
    /// <summary>The length at which Italia Domani cuts titles.</summary>
    private const int CutLength = 40;

    private const int MaxLength = 160;

    // Acronyms and names kept as written, not lower-cased, by their upper-case form.
    private static readonly FrozenDictionary<string, string> Kept = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PAGOPA"] = "pagoPA",
        ["SPID"] = "SPID",
        ["CIE"] = "CIE",
        ["ANPR"] = "ANPR",
        ["IO"] = "IO",
        ["PNRR"] = "PNRR",
        ["PNC"] = "PNC",
        ["UE"] = "UE",
        ["IRCCS"] = "IRCCS",
        ["ASST"] = "ASST",
        ["ATS"] = "ATS",
        ["RSA"] = "RSA",
        ["RSD"] = "RSD",
        ["CDC"] = "CdC",
        ["ODC"] = "OdC",
        ["COT"] = "COT",
        ["ICT"] = "ICT",
        ["IIS"] = "IIS",
        ["ITIS"] = "ITIS",
        ["ITC"] = "ITC",
        ["IPSIA"] = "IPSIA",
        ["ISIS"] = "ISIS",
        ["CPIA"] = "CPIA",
        ["ERP"] = "ERP",
        ["ALER"] = "ALER",
        ["INPS"] = "INPS",
        ["INAIL"] = "INAIL",
        ["CNR"] = "CNR",
        ["SRL"] = "srl",
        ["SPA"] = "spa",
        ["SUAP"] = "SUAP",
        ["LED"] = "LED",
        ["TAC"] = "TAC",
        ["RMN"] = "RMN",
        ["PMI"] = "PMI",
        ["CAD"] = "CAD",
        ["BUL"] = "BUL",
        ["5G"] = "5G",
        ["WIFI"] = "Wi-Fi",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Words after which a name follows (capitalised until a word that is not part of one).
    private static readonly FrozenSet<string> NameFollows = new[]
    {
        "via", "viale", "piazza", "piazzale", "corso", "largo", "vicolo", "località", "localita", "frazione", "comune", "città", "citta", "provincia", "san", "santa", "santo",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Words that are names themselves: the regions and provinces of Lombardy, and saints' titles.
    private static readonly FrozenSet<string> Names = new[]
    {
        "italia", "lombardia", "milano", "bergamo", "brescia", "como", "cremona", "lecco", "lodi", "mantova", "monza", "brianza", "pavia", "sondrio", "varese",
        "san", "santa", "santo", "sant",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Words that end a name after "via", "comune di"…: connectives and the words that start what comes next.
    private static readonly FrozenSet<string> NameEnds = new[]
    {
        "e", "ed", "per", "con", "presso", "nel", "nella", "in", "snc", "n", "nr", "civico", "sede", "scuola", "plesso",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Particles inside a name ("comune di Sesto San Giovanni", "via della Repubblica"): lower case, the name goes on.
    private static readonly FrozenSet<string> Particles = new[]
    {
        "di", "d", "de", "del", "della", "dei", "degli", "delle", "da", "dal", "dalla", "sul", "sull", "al", "alla",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>A name after "via" or "comune di" has at most this many words.</summary>
    private const int MaxNameWords = 3;

    /// <summary>
    /// The readable title of a project: its synthesis' first field when the title is a code and a name, or a cut
    /// title the synthesis completes; otherwise the title; in sentence case when written all in upper case.
    /// </summary>
    public static string Of(string title, string? description)
    {
        ArgumentNullException.ThrowIfNull(title);
        // Fields joined with "*" ("NIPCO SRL*FINANZIAMENTI PER…") read as a list.
        var raw = title.Trim().Replace("*", " — ", StringComparison.Ordinal);
        var coded = CodePrefix().Match(raw);
        var first = FirstField(description);
        string text;
        if (coded.Success && coded.Length < raw.Length)
        {
            // "1.2c_f133Comune di Merate": the body's name, not what it does; the synthesis says that.
            text = first ?? Cut(raw[coded.Length..], raw);
        }
        else if (raw.Length >= CutLength - 2 && first is not null && first.Length > raw.Length && Starts(first, raw))
        {
            text = first;
        }
        else
        {
            text = Cut(raw, raw);
        }

        text = Sentence(text.Trim().TrimEnd('-', '*', ' ', ',', ';'));
        if (text.Length > MaxLength)
        {
            var cut = text.LastIndexOf(' ', MaxLength - 1);
            text = text[..(cut > MaxLength / 2 ? cut : MaxLength - 1)].TrimEnd(',', ';', ' ', '-') + "…";
        }

        return text.Length == 0 ? raw : text;
    }

    /// <summary>
    /// Makes the readable titles (and search columns) of actions that have none yet (those written before Regia made
    /// them): run at start-up, after the migrations, in the start-up's transaction; a row at a time, once.
    /// </summary>
    /// <returns>How many actions got one.</returns>
    public static async Task<int> FillMissingAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var filled = 0;
        while (true)
        {
            var batch = await db.Actions.AsNoTracking().Where(a => a.ReadableTitle == "").OrderBy(a => a.Id).Take(1000)
                .Select(a => new { a.Id, a.Title, a.Description }).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var action in batch)
            {
                var readable = Of(action.Title, action.Description);
                var (title, text) = Actions.SaveAction.SearchColumns(action.Title, readable, action.Description);
                await db.Actions.Where(a => a.Id == action.Id).ExecuteUpdateAsync(
                    u => u.SetProperty(a => a.ReadableTitle, readable).SetProperty(a => a.SearchTitle, title).SetProperty(a => a.SearchText, text),
                    cancellationToken).ConfigureAwait(false);
            }

            filled += batch.Count;
            if (batch.Count < 1000)
            {
                return filled;
            }
        }
    }

    /// <summary>The text with an ellipsis when the title it comes from was cut at 40 characters (39 when a space was trimmed).</summary>
    private static string Cut(string text, string raw) =>
        char.IsLetter(raw[^1]) && (raw.Length == CutLength || (raw.Length == CutLength - 1 && IsUpper(raw))) ? text + "…" : text;

    /// <summary>The text in sentence case when it is written (mostly) in upper case; as it is otherwise.</summary>
    public static string Sentence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsUpper(text))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 4);
        var nameWords = 0;
        var start = 0;
        while (start < text.Length)
        {
            var end = start;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || (text[end] == '\'' && end + 1 < text.Length && char.IsLetter(text[end + 1]) && end > start)))
            {
                end++;
            }

            if (end == start)
            {
                result.Append(text[start]);
                if (text[start] is '-' or '*' or ',' or ';' or '(' or ')' or '.')
                {
                    nameWords = 0;
                }

                start++;
                continue;
            }

            var word = text[start..end];
            var accented = end < text.Length && text[end] == '\'' && (end + 1 == text.Length || !char.IsLetter(text[end + 1])) && word.Length > 1 && IsVowel(word[^1]);
            var lower = Lower(word, accented);
            if (accented)
            {
                end++;
            }

            string written;
            if (Kept.TryGetValue(word, out var kept))
            {
                written = kept;
            }
            else if (nameWords > 0 && Particles.Contains(lower))
            {
                written = lower;
            }
            else if (Names.Contains(lower) || (nameWords > 0 && !NameEnds.Contains(lower) && !char.IsDigit(word[0])))
            {
                written = Capital(lower);
                nameWords = nameWords > 0 ? nameWords - 1 : 0;
            }
            else
            {
                written = lower;
                nameWords = 0;
            }

            // "comune di X", "via X Y": the words after are a name.
            if (NameFollows.Contains(lower))
            {
                nameWords = MaxNameWords;
            }

            result.Append(written);
            start = end;
        }

        var sentence = result.ToString();
        return sentence.Length == 0 ? sentence : string.Concat(sentence[..1].ToUpper(CultureInfo.GetCultureInfo("it-IT")), sentence.AsSpan(1));
    }

    private static string Lower(string word, bool accented)
    {
        var lower = word.ToLower(CultureInfo.GetCultureInfo("it-IT"));
        if (accented)
        {
            // "COMUNITA'" is "comunità": open data write a final accented vowel as the vowel and an apostrophe.
            return lower[..^1] + lower[^1] switch { 'a' => 'à', 'e' => 'è', 'i' => 'ì', 'o' => 'ò', _ => 'ù' };
        }

        // "COMUNIT", "PROSSIMIT": the accented letter was lost; Italian words ending in -it are almost all such nouns.
        return lower.Length >= 6 && lower.EndsWith("it", StringComparison.Ordinal) ? lower + "à" : lower;
    }

    private static string Capital(string word) => word.Length == 0 ? word : string.Concat(word[..1].ToUpper(CultureInfo.GetCultureInfo("it-IT")), word.AsSpan(1));

    private static bool IsVowel(char c) => "AEIOUaeiou".Contains(c, StringComparison.Ordinal);

    /// <summary>Whether at least four letters in five are upper case (a few lower-case codes do not make a title readable).</summary>
    private static bool IsUpper(string text)
    {
        int upper = 0, letters = 0;
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                letters++;
                upper += char.IsUpper(c) ? 1 : 0;
            }
        }

        return letters >= 3 && upper * 5 >= letters * 4;
    }

    /// <summary>The synthesis' first field (Italia Domani joins fields with <c>*</c>; Regia's import with " — ").</summary>
    private static string? FirstField(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }

        var text = description.Trim();
        var cut = text.IndexOfAny(['*', '\n']);
        var dash = text.IndexOf(" — ", StringComparison.Ordinal);
        if (dash >= 0 && (cut < 0 || dash < cut))
        {
            cut = dash;
        }

        var first = (cut >= 0 ? text[..cut] : text).Trim();
        return first.Length >= 8 ? first : null;
    }

    /// <summary>Whether <paramref name="text"/> begins as the (cut) <paramref name="title"/> does, ignoring case and accents.</summary>
    private static bool Starts(string text, string title)
    {
        var length = Math.Min(title.Length, 30);
        return ItalianText.Fold(text.AsSpan()).StartsWith(ItalianText.Fold(title.AsSpan(0, length)), StringComparison.Ordinal);
    }

    /// <summary>A PNRR code before a body's name: "1.2c_f133", "1.4.3 - pagoc_f786", "1.4.1iccd" (up to the first capital).</summary>
    [GeneratedRegex(@"^\d+(\.\d+)+[^A-Z]*")]
    private static partial Regex CodePrefix();
}
