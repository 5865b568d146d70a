using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Common;

namespace Regia.Core.Indicators;

/// <summary>
/// The EU common indicators of the Recovery and Resilience Facility (Delegated Regulation (EU) 2021/2106, Annex),
/// as Italy reports them for the PNRR, loaded at start from the shipped progress file as Regia indicators
/// (<c>UE-C7</c>, …) with their national figures by semester. A file's codes name a group as well as the indicator
/// (<c>C9.S</c>: small enterprises supported; <c>C10.F</c>: women aged 18–29 in training): those become the
/// indicator's breakdowns, beside the sub-measure that reported them. Figures are national, and say so.
/// </summary>
public static partial class CommonIndicators
{
    public const string DatasetKey = "pnrr-common-indicators";

    /// <summary>Changes when the way the file becomes indicators changes, so that a start reloads it.</summary>
    private const string LoaderVersion = "1";

    /// <summary>The place of a national figure.</summary>
    public const string Italy = "IT";

    private static readonly string[] AgeBands = ["0-17", "18-29", "30-54", "55+"];

    /// <summary>The indicators' names (Italian and English, from the regulation's annex) by the file's code of the indicator.</summary>
    private static readonly Dictionary<string, (string It, string En)> Names = new(StringComparer.Ordinal)
    {
        ["C1"] = ("Risparmi sul consumo annuo di energia primaria", "Savings in annual primary energy consumption"),
        ["C2A"] = ("Capacità operativa supplementare installata per l'energia rinnovabile: produzione di energia rinnovabile", "Additional operational capacity installed for renewable energy: renewable energy generation"),
        ["C2B"] = ("Capacità operativa supplementare installata per l'energia rinnovabile: elettrolizzatori per la produzione di idrogeno", "Additional operational capacity installed for renewable energy: electrolysers for hydrogen production"),
        ["C3A"] = ("Infrastrutture per i combustibili alternativi: punti di ricarica", "Alternative fuels infrastructure: recharging points"),
        ["C3B.1"] = ("Infrastrutture per i combustibili alternativi: punti di rifornimento", "Alternative fuels infrastructure: refuelling points"),
        ["C3B.2"] = ("Infrastrutture per i combustibili alternativi: punti di rifornimento di idrogeno", "Alternative fuels infrastructure: hydrogen refuelling points"),
        ["C4"] = ("Popolazione che beneficia di misure di protezione contro inondazioni, incendi boschivi e altre catastrofi naturali connesse al clima", "Population benefiting from protection measures against floods, wildfires and other climate-related natural disasters"),
        ["C5"] = ("Abitazioni aggiuntive con accesso a Internet fornito attraverso reti ad altissima capacità", "Additional dwellings with internet access provided via very high capacity networks"),
        ["C6A"] = ("Imprese beneficiarie di un sostegno per sviluppare o adottare prodotti, servizi e processi applicativi digitali: sviluppo di tecnologie digitali", "Enterprises supported to develop or adopt digital products, services and application processes: development of digital technologies"),
        ["C6B"] = ("Imprese beneficiarie di un sostegno per sviluppare o adottare prodotti, servizi e processi applicativi digitali: adozione di soluzioni digitali", "Enterprises supported to develop or adopt digital products, services and application processes: adoption of digital solutions"),
        ["C7"] = ("Utenti di servizi, prodotti e processi digitali pubblici nuovi e aggiornati", "Users of new and upgraded public digital services, products and processes"),
        ["C8"] = ("Ricercatori che lavorano in centri di ricerca beneficiari di un sostegno", "Researchers working in supported research facilities"),
        ["C9"] = ("Imprese beneficiarie di un sostegno", "Enterprises supported"),
        ["C10"] = ("Partecipanti in un percorso di istruzione o di formazione", "Participants in education or training"),
        ["C10I"] = ("Partecipanti in un percorso di istruzione o di formazione: competenze digitali", "Participants in education or training: digital skills"),
        ["C11"] = ("Persone che hanno un lavoro o che cercano un lavoro", "People in employment or engaged in job searching activities"),
        ["C12"] = ("Capacità delle strutture di assistenza sanitaria nuove o modernizzate", "Capacity of new or modernised health care facilities"),
        ["C13"] = ("Capacità delle classi nelle strutture per la cura dell'infanzia e nelle strutture scolastiche nuove o modernizzate", "Classroom capacity of new or modernised childcare and education facilities"),
        ["C14"] = ("Giovani di età compresa tra i 15 e i 29 anni che ricevono sostegno", "Young people aged 15–29 receiving support"),
    };

    /// <summary>The file's units, some written in English, in Italian.</summary>
    private static readonly Dictionary<string, string> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Dwellings"] = "abitazioni",
        ["Refuelling/recharging points"] = "punti",
        ["Annual Full Time Equivalent"] = "ETP annui",
        ["Imprese"] = "imprese",
        ["Persone"] = "persone",
        ["Persone / anno"] = "persone / anno",
        ["Utenti / anno"] = "utenti / anno",
    };

    /// <summary>
    /// The indicator a file's code belongs to and the group it names: the letters after C10, C10I and C11 are sex and
    /// age (A–D men, E–H women, each 0–17, 18–29, 30–54, 55+); after C8 and C14, sex (F, M); after C6A, C6B and C9,
    /// the enterprise's size (G or L large, M medium, S small and micro). Any other code is an indicator by itself.
    /// </summary>
    public static (string IndicatorCode, string Group) Classify(string rawCode)
    {
        ArgumentNullException.ThrowIfNull(rawCode);
        var code = rawCode.Trim().ToUpperInvariant();
        var match = Grouped().Match(code);
        if (match.Success)
        {
            var family = match.Groups["family"].Value;
            var letter = match.Groups["group"].Value[0];
            string? group = family switch
            {
                "C10" or "C10I" or "C11" when letter is >= 'A' and <= 'H' =>
                    $"eta={AgeBands[(letter - 'A') % 4]};sesso={(letter < 'E' ? "M" : "F")}",
                "C8" or "C14" when letter is 'F' or 'M' => $"sesso={letter}",
                "C6A" or "C6B" or "C9" when letter is 'G' or 'L' or 'M' or 'S' =>
                    $"dimensione={(letter switch { 'M' => "media", 'S' => "piccola", _ => "grande" })}",
                _ => null,
            };
            if (group is not null)
            {
                return ("UE-" + family, group);
            }
        }

        return ("UE-" + code, "");
    }

    /// <summary>
    /// Loads the common indicators and their national figures, once per version of the shipped file: each
    /// indicator's figures by semester for every sub-measure and group, with the totals the file implies (the sum of
    /// its rows, by group and by sub-measure).
    /// </summary>
    /// <returns>How many indicators were created or reloaded (0 when the file was already loaded).</returns>
    public static async Task<int> LoadAsync(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(EmbeddedFiles.Hash(PnrrReference.CommonIndicatorsFile) + "/" + LoaderVersion)));
        var dataset = await db.LoadedDatasets.SingleOrDefaultAsync(d => d.Key == DatasetKey, cancellationToken).ConfigureAwait(false);
        if (dataset?.ContentHash == hash)
        {
            return 0;
        }

        var rows = await PnrrReference.ReadCommonIndicatorsAsync(cancellationToken).ConfigureAwait(false);
        var goalsOf = await PnrrReference.GoalsAsync().ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        var families = rows.Select(r => (Row: r, Class: Classify(r.RawCode))).GroupBy(r => r.Class.IndicatorCode, StringComparer.Ordinal).ToList();
        var codes = families.Select(f => f.Key).ToList();
        var existing = await db.Indicators.Where(i => codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, cancellationToken).ConfigureAwait(false);
        var indicators = new List<(Indicator Indicator, IReadOnlyDictionary<(string Period, string Breakdown), (decimal? Value, bool Sum)> Figures)>();
        foreach (var family in families)
        {
            var first = family.First().Row;
            var measures = family.Select(r => r.Row.Measure).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var goals = measures.SelectMany(m => goalsOf[m]).Where(g => g.Prevalent).Select(g => g.Goal).Distinct().Order();
            var (name, nameEn) = Names.TryGetValue(family.Key[3..], out var known) ? known : (Alignment.ReadableTitles.Sentence(first.Description), null);
            var flow = first.Nature.Equals("Flusso", StringComparison.OrdinalIgnoreCase);
            if (!existing.TryGetValue(family.Key, out var indicator))
            {
                indicator = new Indicator { Code = family.Key, Name = name, Unit = "", CreatedAtUtc = now, Version = 1 };
                db.Indicators.Add(indicator);
            }
            else
            {
                indicator.Version++;
                await db.Measurements.Where(m => m.IndicatorId == indicator.Id && m.Level == TerritoryLevel.Country).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            indicator.Name = name;
            indicator.NameEn = nameEn;
            indicator.Unit = Units.GetValueOrDefault(first.Unit, first.Unit);
            indicator.Description =
                $"Indicatore comune dell'Unione europea per il dispositivo per la ripresa e la resilienza (regolamento delegato (UE) 2021/2106). "
                + $"Valori nazionali del PNRR per semestre ({(flow ? "flusso: quanto si è aggiunto nel semestre" : "stock: quanto esiste alla fine del semestre")}), "
                + $"per sub-misura e, dove il codice lo dice, per gruppo; il totale è la somma delle righe. Non è un dato della Città metropolitana: "
                + $"dice a che punto è l'Italia sulle misure ({string.Join(", ", measures)}) che finanziano anche progetti del territorio.";
            indicator.DescriptionEn =
                $"EU common indicator of the Recovery and Resilience Facility (Delegated Regulation (EU) 2021/2106). National PNRR figures by semester "
                + $"({(flow ? "flow: what was added in the semester" : "stock: what exists at the end of the semester")}), by sub-measure and, where the code says so, by group; "
                + $"the total is the sum of the rows. Not a figure of the metropolitan city: it tells where Italy stands on the measures ({string.Join(", ", measures)}) that also fund projects here.";
            indicator.Direction = IndicatorDirection.Context;
            indicator.Aggregation = AggregationRule.None;
            indicator.Source = "Italia Domani (ReGiS), avanzamento degli indicatori comuni del PNRR (OpenData_PNRR_avanzamento_indicatori_comuni_v2) — dato nazionale";
            indicator.Licence = "Catalogo open data di Italia Domani (licenza indicata per dataset dal catalogo; vedi data/SOURCES.md)";
            indicator.Frequency = "semestrale";
            indicator.Sdgs = string.Join(',', goals);
            indicator.UpdatedAtUtc = now;
            var figures = Figures(family.Select(r => (r.Row, r.Class.Group)));
            indicators.Add((indicator, figures));
            db.Audit(new AuditRecord("indicator", () => indicator.Code, existing.ContainsKey(family.Key) ? "update-figures" : "create", now)
            {
                After = new { indicator.Code, indicator.Name, indicator.Unit, figures = figures.Count },
                Comment = "Indicatori comuni del PNRR (dato nazionale) dai dati di Italia Domani forniti con Regia.",
            });
        }

        if (dataset is null)
        {
            dataset = new LoadedDataset { Key = DatasetKey, ContentHash = hash };
            db.LoadedDatasets.Add(dataset);
        }

        dataset.ContentHash = hash;
        dataset.LoadedAtUtc = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        // Some 2,600 figures: written in one stream (COPY, or prepared statements), inside the start-up's transaction.
        var measurements = indicators.SelectMany(i => i.Figures.Select(f => new Measurement
        {
            IndicatorId = i.Indicator.Id,
            Period = f.Key.Period,
            PeriodEnd = ReportingPeriod.Parse(f.Key.Period).End,
            Level = TerritoryLevel.Country,
            Place = Italy,
            Breakdown = f.Key.Breakdown,
            Value = f.Value.Value,
            Status = FigureStatus.Final,
            Source = "Italia Domani (ReGiS)",
            Note = f.Value.Sum ? "Dato nazionale: somma, fatta da Regia, delle righe del file di Italia Domani." : "Dato nazionale.",
        })).ToList();
        using var statements = new Importing.BulkInsert.Session();
        await Importing.BulkInsert.WriteAsync(db, measurements, statements, cancellationToken, generatedKey: true).ConfigureAwait(false);
        return families.Count;
    }

    /// <summary>
    /// The figures of one indicator: each row of the file under its sub-measure and group, and the sums the file
    /// implies: the total of each semester, each group's over the sub-measures, each sub-measure's over the groups.
    /// A sum of rows that are all missing is missing, not zero.
    /// </summary>
    internal static IReadOnlyDictionary<(string Period, string Breakdown), (decimal? Value, bool Sum)> Figures(IEnumerable<(CommonIndicatorRow Row, string Group)> rows)
    {
        var figures = new Dictionary<(string Period, string Breakdown), (decimal? Value, bool Sum)>();
        void Add(string period, string breakdown, decimal? value) =>
            figures[(period, breakdown)] = figures.TryGetValue((period, breakdown), out var sum)
                ? (sum.Value is null ? value : sum.Value + (value ?? 0), true)
                : (value, true);
        foreach (var (row, group) in rows)
        {
            var submeasure = "submisura=" + row.Submeasure;
            figures[(row.Period, Join(group, submeasure))] = (row.Value, false);
            Add(row.Period, "", row.Value);
            if (group.Length > 0)
            {
                Add(row.Period, group, row.Value);
                Add(row.Period, submeasure, row.Value);
            }
        }

        return figures;
    }

    // Breakdown pairs are kept in name order (Measurement.Breakdown).
    private static string Join(string group, string submeasure) =>
        string.Join(';', group.Split(';', StringSplitOptions.RemoveEmptyEntries).Append(submeasure).Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^(?<family>C10I|C\d+[AB]?)\.?(?<group>[A-Z])$")]
    private static partial Regex Grouped();
}
