using System.Collections.Frozen;
using System.Text;
using Lucene.Net.Analysis.It;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace Regia.Core.Alignment;

/// <summary>A word of a text as Regia compares it: its stem (folded, lower case) and the word as the text wrote it.</summary>
public readonly record struct Term(string Stem, string Word);

/// <summary>
/// Italian text analysis for the alignment engine and search: the same terms for a plan objective and for the noisy
/// titles of open data. Upper case, accents dropped or kept ("citta", "città", "COMUNIT "), fields joined with
/// <c>*</c>, codes glued to words (<c>1.4.4c_a389Comune di Arese</c>, <c>SC.PRIMARIA</c>) and the usual
/// abbreviations of public works (<c>RIQUALIF.</c>, <c>MANUT. STRAORD.</c>) all come to the same stems. Stop words
/// are Lucene's Italian list (Snowball's) with the elided articles; stems are Snowball's Italian stemmer, as Lucene
/// ships it, which brings "riqualificazione" and "riqualificare", "scuola" and "scolastici" together more often than
/// the light stemmer.
/// </summary>
public static class ItalianText
{
    /// <summary>Words longer than this are cut: no Italian word is, and the cut keeps a pasted blob from costing time.</summary>
    private const int MaxWordLength = 40;

    // Abbreviations of Italian public-works and PNRR titles, with what they stand for; several words where the
    // abbreviation names a compound (CdC is a "Casa della Comunità"). A word is expanded only when it is the whole
    // abbreviation, so "sc" expands and "scala" does not.
    private static readonly FrozenDictionary<string, string> Abbreviations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["adeg"] = "adeguamento",
        ["ampl"] = "ampliamento",
        ["amm"] = "amministrazione",
        ["ammin"] = "amministrazione",
        ["antisism"] = "antisismico",
        ["ab"] = "abilitazione",
        ["cdc"] = "casa comunità",
        ["ciclab"] = "ciclabile",
        ["compr"] = "comprensivo",
        ["costr"] = "costruzione",
        ["costruz"] = "costruzione",
        ["cot"] = "centrale operativa territoriale",
        ["digit"] = "digitale",
        ["edif"] = "edificio",
        ["effic"] = "efficientamento",
        ["efficient"] = "efficientamento",
        ["elem"] = "elementare",
        ["energ"] = "energetico",
        ["illum"] = "illuminazione",
        ["infanz"] = "infanzia",
        ["ist"] = "istituto",
        ["manut"] = "manutenzione",
        ["mat"] = "materna",
        ["med"] = "media",
        ["odc"] = "ospedale comunità",
        ["pal"] = "palestra",
        ["prim"] = "primaria",
        ["realizz"] = "realizzazione",
        ["riq"] = "riqualificazione",
        ["riqual"] = "riqualificazione",
        ["riqualif"] = "riqualificazione",
        ["ristr"] = "ristrutturazione",
        ["ristrutt"] = "ristrutturazione",
        ["sc"] = "scuola",
        ["scol"] = "scolastico",
        ["sec"] = "secondaria",
        ["serv"] = "servizi",
        ["sism"] = "sismico",
        ["straord"] = "straordinaria",
        ["svil"] = "sviluppo",
        ["tecnol"] = "tecnologico",
        ["urb"] = "urbana",
        ["valoriz"] = "valorizzazione",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Words that say nothing of what a project does, in every mission: where, for whom in general, in what form.
    private static readonly FrozenSet<string> DomainStopWords = new[]
    {
        "via", "viale", "piazza", "corso", "localita", "frazione", "snc", "civico", "numero",
        "comune", "comunale", "comunali", "citta", "provincia", "territorio", "nazionale",
        "progetto", "progetti", "intervento", "interventi", "lavori", "opera", "opere", "presso", "ambito",
        "pnrr", "pnc", "avviso", "bando", "investimento", "misura", "submisura", "linea", "cup",
        "srl", "spa", "sas", "snc", "scarl", "onlus",

        // Places: where a project is says nothing of what it does, and the plan names some places in passing
        // ("Province di Pavia e Lodi", "Regione Lombardia") that would otherwise pull every project there to one mission.
        "regione", "regionale", "provinciale", "metropolitana", "milano",
        "abruzzo", "basilicata", "calabria", "campania", "emilia", "romagna", "friuli", "venezia", "giulia", "lazio",
        "liguria", "lombardia", "marche", "molise", "piemonte", "puglia", "sardegna", "sicilia", "toscana", "trentino",
        "alto", "adige", "umbria", "valle", "aosta", "veneto",
        "bergamo", "brescia", "como", "cremona", "lecco", "lodi", "mantova", "monza", "brianza", "pavia", "sondrio", "varese",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> StopWords = BuildStopWords(domain: true);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWordLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    // Search keeps places and the words of the domain: "Milano" or "comunale" are what someone may look for.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> SearchStopWordLookup = BuildStopWords(domain: false).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationLookup = Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Stems already computed, per thread: a project's words are mostly words seen before, and a look-up costs a tenth of Snowball.</summary>
    private const int MaxKeptStems = 200_000;

    [ThreadStatic]
    private static ItalianStemmer? stemmer;

    [ThreadStatic]
    private static Dictionary<string, string>? stems;

    /// <summary>The text's terms in order, stop words left out.</summary>
    public static List<Term> Terms(string? text) => Terms(text, search: false);

    /// <summary>
    /// The text's stems for search: as <see cref="Terms(string?)"/> (folded, stemmed, abbreviations expanded), keeping the
    /// places and words of the domain the engine leaves out ("scuola" and "SCUOLE" give one stem, "citta" and "città" too).
    /// </summary>
    public static IEnumerable<string> SearchStems(string? text) => Terms(text, search: true).Select(t => t.Stem);

    private static List<Term> Terms(string? text, bool search)
    {
        var terms = new List<Term>();
        if (string.IsNullOrEmpty(text))
        {
            return terms;
        }

        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var boundary = i == text.Length || !char.IsLetterOrDigit(text[i]) || (i > start && Splits(text[i - 1], text[i], i - start));
            if (!boundary)
            {
                continue;
            }

            if (i > start)
            {
                Add(text.AsSpan(start, i - start), terms, search);
            }

            start = i < text.Length && char.IsLetterOrDigit(text[i]) ? i : i + 1;
        }

        return terms;
    }

    /// <summary>The text's stems in order (as <see cref="Terms(string?)"/>).</summary>
    public static IEnumerable<string> Stems(string? text) => Terms(text).Select(t => t.Stem);

    /// <summary>Lower case without accents, as stems are compared ("Città" and "CITTA'" are both "citta").</summary>
    public static string Fold(ReadOnlySpan<char> text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            folded.Append(FoldChar(c));
        }

        return folded.ToString();
    }

    // A word ends where letters meet digits ("a389Comune", "1.2c_g222") or, after three letters or more, a lower-case
    // letter meets an upper-case one ("cpialoCentro"; not "CdC", an acronym).
    private static bool Splits(char previous, char current, int length) =>
        char.IsDigit(previous) != char.IsDigit(current) || (length >= 3 && char.IsLower(previous) && char.IsUpper(current));

    private static void Add(ReadOnlySpan<char> raw, List<Term> terms, bool search)
    {
        if (raw.Length < 2 || char.IsDigit(raw[0]))
        {
            return;
        }

        // Folded into a buffer and looked up as a span: a word seen before costs no string but its own.
        Span<char> buffer = stackalloc char[MaxWordLength + 1];
        var length = Math.Min(raw.Length, MaxWordLength);
        for (var i = 0; i < length; i++)
        {
            buffer[i] = FoldChar(raw[i]);
        }

        if (AbbreviationLookup.TryGetValue(buffer[..length], out var expansion))
        {
            foreach (var part in expansion.Split(' '))
            {
                var folded = Fold(part);
                folded.AsSpan().CopyTo(buffer);
                AddWord(buffer, folded.Length, part, terms, search);
            }

            return;
        }

        AddWord(buffer, length, raw.ToString(), terms, search);
    }

    // buffer: the folded word, with room for one more letter.
    private static void AddWord(Span<char> buffer, int length, string word, List<Term> terms, bool search)
    {
        // Open data often lose a final accented letter ("COMUNIT ", "PROSSIMIT "): Italian words ending in -it are
        // almost all such -ità nouns, which get their vowel back to stem as the whole word does.
        if (length >= 6 && buffer[length - 2] == 'i' && buffer[length - 1] == 't')
        {
            buffer[length++] = 'a';
        }

        var folded = buffer[..length];
        if (length < 2 || (search ? SearchStopWordLookup : StopWordLookup).Contains(folded))
        {
            return;
        }

        terms.Add(new Term(Stem(folded), word));
    }

    private static string Stem(ReadOnlySpan<char> folded)
    {
        var kept = stems ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = kept.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(folded, out var known))
        {
            return known;
        }

        var word = folded.ToString();
        var s = stemmer ??= new ItalianStemmer();
        s.SetCurrent(word);
        s.Stem();
        var stem = s.Current.Length >= 2 ? s.Current : word;
        if (kept.Count >= MaxKeptStems)
        {
            kept.Clear();
        }

        kept[word] = stem;
        return stem;
    }

    private static char FoldChar(char c) => char.ToLowerInvariant(c) switch
    {
        'à' or 'á' or 'â' or 'ä' => 'a',
        'è' or 'é' or 'ê' or 'ë' => 'e',
        'ì' or 'í' or 'î' or 'ï' => 'i',
        'ò' or 'ó' or 'ô' or 'ö' => 'o',
        'ù' or 'ú' or 'û' or 'ü' => 'u',
        var other => other,
    };

    private static FrozenSet<string> BuildStopWords(bool domain)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in ItalianAnalyzer.DefaultStopSet)
        {
            words.Add(Fold(entry));
        }

        // The elided forms the analyzer strips with its ElisionFilter, which a plain split leaves as words.
        words.UnionWith(["dell", "dall", "nell", "sull", "all", "coll", "pell", "degl", "dagl", "negl", "sugl", "agl", "gl", "un", "quest", "quell", "ed", "od"]);
        if (domain)
        {
            words.UnionWith(DomainStopWords);
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
