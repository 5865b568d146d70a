using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Regia.Core.Actions;
using Regia.Core.Alignment;
using Regia.Core.Organizations;

namespace Regia.Core.Importing;

/// <summary>
/// Italia Domani's PNRR open data ("Progetti" and "Localizzazioni", ReGiS): the projects located in the metropolitan
/// territory become actions. Their Comuni come from the localisations, their mission from the PNRR mission, their
/// funding lines from the "Finanziamento …" columns, the implementing body (soggetto attuatore) is matched to a
/// Comune or the Città metropolitana by tax code or name, or added as an organisation. Key: CUP and local code.
/// Only the source's own columns are read; the columns some mirrors add (<c>loc_*</c>, <c>COD_ISTAT_COMUNE</c>,
/// <c>zona_omogenea</c>) are ignored.
/// </summary>
public sealed class PnrrSource : IActionSource
{
    /// <summary>The "Provincia" code of the Città metropolitana di Milano in the localisations (ISTAT 015).</summary>
    public const int MetropolitanProvince = 15;

    private static readonly string[] ProjectColumns =
    [
        "Missione", "ID Misura", "CUP", "Codice Locale Progetto", "Stato CUP", "Titolo progetto", "Sintesi progetto",
        "Soggetto attuatore", "Codice fiscale soggetto attuatore",
    ];

    private static readonly string[] LocationColumns = ["CUP", "Codice Provincia", "Codice Comune"];

    /// <summary>The financing columns and the source each one is; "Finanziamento Totale*" are sums and are not read.</summary>
    private static readonly (string Column, FundingSource Source)[] FundingColumns =
    [
        ("Finanziamento PNRR", FundingSource.Pnrr),
        ("Finanziamento - Stato", FundingSource.National),
        ("Finanziamento PNC", FundingSource.National),
        ("Finanziamento UE (diverso da PNRR)", FundingSource.EuCohesion),
        ("Finanziamento Regione", FundingSource.Regional),
        ("Finanziamento Provincia", FundingSource.MetropolitanCity),
        ("Finanziamento Comune", FundingSource.Municipal),
        ("Finanziamento Altro Pubblico", FundingSource.OtherPublic),
        ("Altri fondi", FundingSource.OtherPublic),
        ("Finanziamento Privato", FundingSource.Private),
        ("Finanziamento Da Reperire", FundingSource.ToBeFound),
    ];

    private static readonly Dictionary<string, string> Columns = new(StringComparer.Ordinal)
    {
        ["title"] = "Titolo progetto",
        ["description"] = "Sintesi progetto",
        ["leadOrganizationId"] = "Soggetto attuatore",
        ["mission"] = "Missione",
        ["cup"] = "CUP",
        ["localProjectCode"] = "Codice Locale Progetto",
        ["key"] = "CUP",
        ["status"] = "Stato CUP",
        ["places"] = "CUP",
    };

    private readonly TabularFile projects;
    private readonly IReadOnlyDictionary<string, int> column;
    private readonly Locations locations;

    private PnrrSource(TabularFile projects, IReadOnlyDictionary<string, int> column, Locations locations)
    {
        this.projects = projects;
        this.column = column;
        this.locations = locations;
    }

    public IReadOnlyList<string> Headers => projects.Headers;

    public double? Fraction => projects.Fraction;

    /// <summary>Projects read and left out because none of their localisations is in the metropolitan territory.</summary>
    public long OutsideTerritory { get; private set; }

    /// <summary>The projects outside the metropolitan territory, by CUP: not actions, but their mission still teaches the alignment engine.</summary>
    public IReadOnlyCollection<KeyedExample> Examples => outside;

    private readonly List<KeyedExample> outside = [];

    /// <summary>
    /// Reads the localisations (only those in the metropolitan territory are kept, so memory grows with the
    /// territory's projects, not the file) and checks both files' columns.
    /// </summary>
    /// <exception cref="TabularFileException">A file lacks columns or cannot be read; the message names the row.</exception>
    public static async Task<PnrrSource> OpenAsync(TabularFile projects, TabularFile locationFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projects);
        ArgumentNullException.ThrowIfNull(locationFile);
        var column = projects.RequireColumns(ProjectColumns.Concat(FundingColumns.Select(f => f.Column)));
        var at = locationFile.RequireColumns(LocationColumns);
        var locations = new Locations();
        await foreach (var row in locationFile.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!int.TryParse(row.Cell(at["Codice Provincia"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var province) || province != MetropolitanProvince)
            {
                continue;
            }

            var comune = row.Cell(at["Codice Comune"]).Trim();
            // No Comune: the localisation is "TUTTI I COMUNI" of the province.
            var istat = int.TryParse(comune, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{province:000}{number:000}")
                : null;
            locations.Add(CupKey(row.Cell(at["CUP"])), istat);
        }

        return new PnrrSource(projects, column, locations);
    }

    public string ColumnOf(string field) => Columns.TryGetValue(field, out var name) ? name : field.StartsWith("funding", StringComparison.Ordinal) ? "ID Misura" : field;

    public async IAsyncEnumerable<SourceRow> ReadAsync(ImportContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await foreach (var row in projects.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            string Cell(string name) => row.Cell(column[name]).Trim();
            var cup = Cup.Normalize(Cell("CUP"));
            if (cup is null || locations.Find(CupKey(cup)) is not { } location)
            {
                OutsideTerritory++;
                if (cup is not null && MissionOf(Cell("Missione")) is { } official)
                {
                    var text = new AlignmentQuery(Cell("Titolo progetto"), Description(Cell("Sintesi progetto")), null, Cell("Soggetto attuatore")).Text;
                    outside.Add(new KeyedExample("pnrr:" + cup, new AlignmentExample(text, Cell("ID Misura"), official)));
                }

                continue;
            }

            var errors = new List<CellError>();
            var local = Cell("Codice Locale Progetto");
            var key = new ImportKey(null, null, cup, local.Length == 0 ? null : local);
            var missionText = Cell("Missione");
            var mission = MissionOf(missionText);
            if (mission is null)
            {
                errors.Add(new CellError("Missione", $"«{missionText}» non è una missione del PNRR (M1–M6)."));
            }

            var funding = new List<FundingInput>();
            var measure = Cell("ID Misura");
            foreach (var (name, source) in FundingColumns)
            {
                var text = Cell(name);
                if (text.Length == 0)
                {
                    continue;
                }

                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                {
                    errors.Add(new CellError(name, $"«{text}» non è un importo (si attende per esempio 32052.0)."));
                    continue;
                }

                if (amount != 0)
                {
                    funding.Add(new FundingInput(source, source == FundingSource.Pnrr ? measure : null, Math.Round(amount, 2), 0, 0));
                }
            }

            var title = ImportCells.Text(Cell("Titolo progetto"), "Titolo progetto", errors);
            var summary = ImportCells.Text(Cell("Sintesi progetto"), "Sintesi progetto", errors);
            var leadName = ImportCells.Text(Cell("Soggetto attuatore"), "Soggetto attuatore", errors);
            var taxCode = TaxCode(Cell("Codice fiscale soggetto attuatore"));
            if (leadName.Length == 0 && taxCode is null)
            {
                errors.Add(new CellError("Soggetto attuatore", "manca il soggetto attuatore (né denominazione né codice fiscale)."));
            }

            // The limits of an organisation Regia may have to add for it.
            if (leadName.Length > 300)
            {
                errors.Add(new CellError("Soggetto attuatore", "la denominazione supera 300 caratteri."));
            }

            if (taxCode?.Length > 16)
            {
                errors.Add(new CellError("Codice fiscale soggetto attuatore", $"«{ImportCells.Truncate(taxCode)}» non è un codice fiscale (al più 16 caratteri)."));
            }

            // Only a row without errors may add an organisation, so that rejected rows leave nothing behind.
            var lead = errors.Count > 0
                ? 0
                : await context.OrganizationAsync(leadName.Length == 0 ? taxCode! : leadName, taxCode, KindOf(leadName), cancellationToken).ConfigureAwait(false);
            var metropolitan = location.WholeProvince || location.Municipalities.Count == 0;
            var input = new ActionInput
            {
                Title = title,
                Description = Description(summary),
                LeadOrganizationId = lead,
                Mission = mission,
                Status = Cell("Stato CUP").Equals("Chiuso", StringComparison.OrdinalIgnoreCase) ? "conclusa" : "avviata",
                Cup = cup,
                LocalProjectCode = key.LocalProjectCode,
                Scope = metropolitan ? ActionScope.Metropolitan : ActionScope.Municipalities,
                Places = metropolitan ? [] : [.. location.Municipalities.Select(m => new PlaceInput(null, m, null))],
                Funding = funding,
                Publication = PublicationState.Published,
            };
            yield return new SourceRow(row.Number, key, errors.Count == 0 ? input : null, errors, row.Cells) { Label = title, StatesObjectives = false };
        }
    }

    /// <summary>The number of a PNRR mission as the file writes it (<c>M1</c>–<c>M6</c>), or null.</summary>
    private static int? MissionOf(string text) => text.Length == 2 && text[0] == 'M' && char.IsAsciiDigit(text[1]) ? text[1] - '0' : null;

    /// <summary>The source drops leading zeros of tax codes (582920989 for 00582920989): a body's code has 11 digits.</summary>
    private static string? TaxCode(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        return text.All(char.IsAsciiDigit) && text.Length < 11 ? text.PadLeft(11, '0') : text.ToUpperInvariant();
    }

    /// <summary>The CUP description pattern SOGGETTO*INDIRIZZO*DESCRIZIONE, read as text.</summary>
    private static string? Description(string text) =>
        text.Length == 0 ? null : string.Join(" — ", text.Split('*', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static OrganizationKind KindOf(string name)
    {
        var upper = name.ToUpperInvariant();
        return upper switch
        {
            _ when upper.Contains("UNIVERSIT", StringComparison.Ordinal) || upper.Contains("POLITECNICO", StringComparison.Ordinal) => OrganizationKind.University,
            _ when upper.Contains("CAMERA DI COMMERCIO", StringComparison.Ordinal) => OrganizationKind.ChamberOfCommerce,
            _ when upper.StartsWith("REGIONE ", StringComparison.Ordinal) => OrganizationKind.Region,
            _ when upper.StartsWith("UNIONE ", StringComparison.Ordinal) => OrganizationKind.MunicipalUnion,
            _ when upper.StartsWith("AZIENDA", StringComparison.Ordinal) || upper.StartsWith("AGENZIA", StringComparison.Ordinal) || upper.Contains("SOCIO SANITARIA", StringComparison.Ordinal) => OrganizationKind.Agency,
            _ when upper.Contains("CONSIGLIO NAZIONALE DELLE RICERCHE", StringComparison.Ordinal) || upper.Contains("ISTITUTO NAZIONALE", StringComparison.Ordinal) || upper.Contains("FONDAZIONE IRCCS", StringComparison.Ordinal) => OrganizationKind.ResearchCentre,
            _ => OrganizationKind.Other,
        };
    }

    private static ulong CupKey(string cup)
    {
        var trimmed = cup.AsSpan().Trim();
        Span<char> upper = trimmed.Length <= 64 ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        trimmed.ToUpperInvariant(upper);
        return KeyHash.Of(upper);
    }

    private sealed record Location(IReadOnlyList<string> Municipalities, bool WholeProvince);

    /// <summary>
    /// The metropolitan localisations by CUP, packed: most projects have one Comune, kept as an index into the
    /// (few) Comune codes, so a million projects cost about 24 MB rather than an object and a list each.
    /// </summary>
    private sealed class Locations
    {
        private const int WholeProvince = -1;
        private readonly KeyMap byCup = new();
        private readonly List<string> codes = [];
        private readonly Dictionary<string, int> codeIndex = new(StringComparer.Ordinal);
        private readonly List<List<int>> several = [];

        public void Add(ulong cup, string? istat)
        {
            var value = istat is null ? WholeProvince : Index(istat);
            if (!byCup.TryGetValue(cup, out var current))
            {
                byCup.Set(cup, value);
                return;
            }

            if (current == value)
            {
                return;
            }

            List<int> list;
            if (current <= -2)
            {
                list = several[-current - 2];
            }
            else
            {
                list = [current];
                several.Add(list);
                byCup.Set(cup, -(several.Count - 1) - 2);
            }

            if (!list.Contains(value))
            {
                list.Add(value);
            }
        }

        public Location? Find(ulong cup)
        {
            if (!byCup.TryGetValue(cup, out var value))
            {
                return null;
            }

            var values = value <= -2 ? several[-value - 2] : [value];
            return new Location([.. values.Where(v => v >= 0).Select(v => codes[v])], values.Contains(WholeProvince));
        }

        private int Index(string istat)
        {
            if (!codeIndex.TryGetValue(istat, out var index))
            {
                index = codes.Count;
                codes.Add(istat);
                codeIndex[istat] = index;
            }

            return index;
        }
    }
}
