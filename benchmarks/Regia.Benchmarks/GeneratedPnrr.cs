using System.Globalization;
using Regia.Core.Exports;
using Regia.Core.Territory;

namespace Regia.Benchmarks;

/// <summary>
/// PNRR-format files of generated projects (GENERATED DATA, labelled "[DATI GENERATI]" in every title; CUPs starting
/// Z99Z, which no real CUP does) located in the metropolitan territory, a quarter led by bodies Regia does not know yet.
/// Used by the benchmarks and, at a smaller size, by the crash tests.
/// </summary>
public static class GeneratedPnrr
{
    /// <summary>The real PNRR measures the generated projects are dealt over, in turn.</summary>
    public static IReadOnlyList<string> Measures { get; } = ["M1C1I1.2", "M1C1I1.4", "M2C2I4.1", "M4C1I3.3", "M5C2I2.1", "M6C1I1.1"];

    /// <summary>Writes (once: kept files are reused) the projects and localisations files of <paramref name="count"/> generated projects.</summary>
    public static async Task<(string Projects, string Locations)> WriteAsync(int count, string directory, string territoryDirectory)
    {
        var projects = Path.Combine(directory, $"pnrr-progetti-generati-{count}.csv");
        var locations = Path.Combine(directory, $"pnrr-localizzazioni-generate-{count}.csv");
        if (File.Exists(projects) && File.Exists(locations))
        {
            return (projects, locations);
        }

        var territory = await TerritoryFiles.ReadAsync(territoryDirectory, CancellationToken.None);
        var comuni = territory.Municipalities.Select(m => (m.IstatCode, m.Name)).ToList();
        string[] header =
        [
            "Programma", "Missione", "Descrizione Missione", "Componente", "Descrizione Componente", "ID Misura", "Codice Univoco Misura", "Descrizione Misura", "ID Submisura", "Codice CID", "Codice Univoco Submisura", "Descrizione Submisura", "Amministrazione Titolare", "Codice identificativo Procedura di Attivazione", "Titolo procedura", "Tipologia procedura di attivazione", "CUP", "Codice Locale Progetto", "Stato CUP", "CUP Codice Natura", "CUP Descrizione Natura", "CUP Codice Tipologia", "CUP Descrizione Tipologia", "CUP Codice Settore", "CUP Descrizione Settore", "CUP Codice Sottosettore", "CUP Descrizione Sottosettore", "CUP Codice Categoria", "CUP Descrizione Categoria", "Titolo progetto", "Sintesi progetto", "Descrizione Tipo Aiuto", "Finanziamento - Stato", "Finanziamento UE (diverso da PNRR)", "Finanziamento Regione", "Finanziamento Provincia", "Finanziamento Comune", "Finanziamento Altro Pubblico", "Finanziamento Privato", "Finanziamento Da Reperire", "Finanziamento PNRR", "Finanziamento PNC", "Altri fondi", "Finanziamento Totale", "Finanziamento Totale Pubblico", "Finanziamento Totale Pubblico Netto", "Soggetto attuatore", "Codice fiscale soggetto attuatore", "Flag progetti in essere", "Data aggiornamento",
        ];
        var measures = Measures;
        await using (var output = File.Create(projects))
        await using (var writer = new TabularExport.CsvRowWriter(output))
        {
            await writer.WriteRawAsync(header);
            for (var i = 0; i < count; i++)
            {
                var comune = comuni[i % comuni.Count];
                var measure = measures[i % measures.Count];
                var amount = (10_000 + (i * 7919L % 990_000)).ToString(CultureInfo.InvariantCulture) + ".0";
                // Every fourth project is led by a body Regia does not know yet (one of 500), the others by the Comune.
                var lead = i % 4 == 0 ? $"ENTE GENERATO {i % 500:000}" : "COMUNE DI " + comune.Name.ToUpperInvariant();
                var cells = new string[header.Length];
                Array.Fill(cells, string.Empty);
                cells[0] = "PNRR";
                cells[1] = measure[..2];
                cells[5] = measure;
                cells[16] = Cup(i);
                cells[17] = "GEN_" + i.ToString(CultureInfo.InvariantCulture);
                cells[18] = "Attivo";
                cells[29] = $"[DATI GENERATI] Progetto di prova {i}";
                cells[30] = $"DATI GENERATI PER IL BENCHMARK*{comune.Name.ToUpperInvariant()}*PROGETTO {i}";
                cells[40] = amount;
                cells[36] = i % 3 == 0 ? "5000.0" : "0.0";
                cells[46] = lead;
                cells[47] = i % 4 == 0 ? (90000000000L + (i % 500)).ToString(CultureInfo.InvariantCulture) : string.Empty;
                cells[49] = "2026-11-25";
                await writer.WriteRawAsync(cells);
            }
        }

        await using (var output = File.Create(locations))
        await using (var writer = new TabularExport.CsvRowWriter(output))
        {
            await writer.WriteRawAsync(["Codice Univoco Submisura", "Descrizione Submisura", "CUP", "Codice Locale Progetto", "Codice Regione", "Descrizione Regione", "Codice Provincia", "Descrizione Provincia", "Codice Comune", "Descrizione Comune", "Indirizzo", "Cap", "Data di aggiornamento"]);
            for (var i = 0; i < count; i++)
            {
                var comune = comuni[i % comuni.Count];
                await writer.WriteRawAsync(["", "", Cup(i), "GEN_" + i.ToString(CultureInfo.InvariantCulture), "3", "LOMBARDIA", "15", "MILANO", comune.IstatCode[3..], comune.Name.ToUpperInvariant(), "", "", "2026-11-25"]);
            }
        }

        return (projects, locations);

        // "Z99Z" + 11 digits: well formed, and never a real CUP (no real CUP starts with Z99Z).
        static string Cup(int i) => "Z99Z" + i.ToString("00000000000", CultureInfo.InvariantCulture);
    }
}
