using Microsoft.EntityFrameworkCore;
using Regia.Core.Indicators;

namespace Regia.Tests;

/// <summary>Indicators over the database, on SQLite and PostgreSQL: the shipped real data and the queries.</summary>
public sealed class IndicatorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_resident_population_ships_by_comune_with_zones_and_the_metropolitan_city_summed_only_where_every_comune_has_a_figure(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        await using var db = database.CreateContext();

        var detail = await IndicatorQueries.GetAsync(db, "pop-res", Cancel);
        Assert.NotNull(detail);
        Assert.Equal(("abitanti", AggregationRule.Sum, TrackStatus.NotAssessed), (detail.Summary.Unit, detail.Aggregation, detail.Summary.Status));
        // The metropolitan city: the sum of the 133 Comuni (ISTAT, data/territory), 2020 and 2021; none for 2018 and 2019,
        // when Vermezzo con Zelo has no figure — a sum over part of the territory would read as the whole's.
        Assert.Equal(
            [("2018", (decimal?)null), ("2019", null), ("2020", 3_265_327m), ("2021", 3_249_821m)],
            detail.Series.Select(f => (f.Period, f.Value)));
        Assert.All(detail.Series.Where(f => f.Value is null), f => Assert.Contains("parte del territorio", f.Note, StringComparison.Ordinal));
        Assert.Equal(("2021", 3_249_821m), (detail.Summary.LatestPeriod, detail.Summary.LatestValue));
        var milano = detail.LatestByPlace.Single(p => p.Level == TerritoryLevel.Municipality && p.Place == "015146");
        Assert.Equal(("2021", 1_397_715m), (milano.Period, milano.Value));
        Assert.Equal(266_980m, detail.LatestByPlace.Single(p => p.Level == TerritoryLevel.Zone && p.Place == "nord-milano").Value);
        Assert.Equal(133, detail.LatestByPlace.Count(p => p.Level == TerritoryLevel.Municipality));
        // The sums are Regia's (remade when a Comune's figure changes, left out of the downloads); the Comuni's are ISTAT's.
        var stored = await db.Measurements.Where(m => db.Indicators.Any(i => i.Id == m.IndicatorId && i.Code == "POP-RES")).Select(m => new { m.Level, m.Derived }).ToListAsync(Cancel);
        Assert.All(stored, m => Assert.Equal(m.Level != TerritoryLevel.Municipality, m.Derived));
        Assert.Equal(4 * 8, stored.Count(m => m.Level == TerritoryLevel.Zone));

        // Loaded at every start, once: a second start adds nothing.
        Assert.Equal(0, await ShippedIndicators.LoadAsync(db, TimeProvider.System, Cancel));
        Assert.Equal(1, await db.Indicators.CountAsync(i => !i.Code.StartsWith("UE-"), Cancel));

        // The list and its filters.
        Assert.Contains("POP-RES", (await IndicatorQueries.ListAsync(db, new IndicatorFilter(Sdg: 11), Cancel)).Select(i => i.Code));
        Assert.Equal(await db.Indicators.CountAsync(Cancel), (await IndicatorQueries.ListAsync(db, new IndicatorFilter(Status: TrackStatus.NotAssessed), Cancel)).Count);
        Assert.Empty(await IndicatorQueries.ListAsync(db, new IndicatorFilter(Status: TrackStatus.OffTrack), Cancel));
        Assert.DoesNotContain("POP-RES", (await IndicatorQueries.ListAsync(db, new IndicatorFilter(Sdg: 4), Cancel)).Select(i => i.Code));
        Assert.Null(await IndicatorQueries.GetAsync(db, "NON-ESISTE", Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_pnrr_common_indicators_ship_as_national_figures_by_semester_with_groups_sub_measures_and_their_sums(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        await using var db = database.CreateContext();

        var enterprises = await IndicatorQueries.GetAsync(db, "ue-c9", Cancel);
        Assert.NotNull(enterprises);
        // National, and said so: the headline series is Italy's, not the metropolitan city's.
        Assert.Equal(TerritoryLevel.Country, enterprises.Summary.Scope);
        Assert.All(enterprises.Series, f => Assert.Equal((TerritoryLevel.Country, CommonIndicators.Italy), (f.Level, f.Place)));
        Assert.Contains("dato nazionale", enterprises.Source, StringComparison.Ordinal);
        Assert.Equal(("imprese", TrackStatus.NotAssessed), (enterprises.Summary.Unit, enterprises.Summary.Status));
        Assert.Equal(["2021-S2", "2022-S1", "2022-S2"], enterprises.Series.Select(f => f.Period));
        // 2021-S2, from the file by hand: large 1,225, medium 3,402, small 20,148 (sub-measures M1C2I1.1.1–3).
        Assert.Equal(24_775m, enterprises.Series[0].Value);
        Assert.Equal(20_148m, enterprises.Groups["dimensione=piccola"][0].Value);
        Assert.Equal(13_749m, enterprises.Groups["dimensione=piccola;submisura=M1C2I1.1.1"][0].Value);
        Assert.Equal(645m + 1_977m + 13_749m, enterprises.Groups["submisura=M1C2I1.1.1"][0].Value);
        Assert.Empty(enterprises.LatestByPlace);

        // Values in the file's Italian notation (" 1.786.461,00 "); the SDGs are the prevalent goals of the measures.
        var energy = await IndicatorQueries.GetAsync(db, "UE-C1", Cancel);
        Assert.Equal([291_122m, 675_563m, 1_786_461m], energy!.Series.Select(f => f.Value));
        Assert.Equal(["UE-C1", "UE-C10", "UE-C10I", "UE-C11", "UE-C12", "UE-C13", "UE-C14", "UE-C2A", "UE-C2B", "UE-C3A", "UE-C3B.1", "UE-C3B.2", "UE-C4", "UE-C5", "UE-C6A", "UE-C6B", "UE-C7", "UE-C8", "UE-C9"],
            await db.Indicators.Where(i => i.Code.StartsWith("UE-")).OrderBy(i => i.Code).Select(i => i.Code).ToListAsync(Cancel));
        Assert.Contains("UE-C7", (await IndicatorQueries.ListAsync(db, new IndicatorFilter(Sdg: 16), Cancel)).Select(i => i.Code));

        // Loaded once per version of the file: a second start changes nothing.
        var figures = await db.Measurements.CountAsync(Cancel);
        Assert.Equal(0, await CommonIndicators.LoadAsync(db, TimeProvider.System, Cancel));
        Assert.Equal(figures, await db.Measurements.CountAsync(Cancel));
    }
}

/// <summary>Figures imported in the Open SDG layout, on SQLite and PostgreSQL (a test indicator, labelled as demo data).</summary>
public sealed class MeasurementImportTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> WithIndicatorAsync(string provider)
    {
        var database = await TestDatabase.CreateLoadedAsync(provider);
        await using var db = database.CreateContext();
        var indicator = new Indicator
        {
            Code = "TEST-OCC",
            Name = "Tasso di occupazione 20-64 anni (dati di test)",
            Unit = "%",
            Direction = IndicatorDirection.HigherIsBetter,
            Aggregation = AggregationRule.PopulationWeighted,
            BaselinePeriod = "2020",
            BaselineValue = 60m,
            IsDemo = true,
            Version = 1,
        };
        indicator.Targets.Add(new IndicatorTarget { Period = "2030", Value = 70m });
        db.Indicators.Add(indicator);
        db.Audit(new Regia.Core.Auditing.AuditRecord("indicator", () => "TEST-OCC", "create", DateTime.UtcNow));
        await db.SaveChangesAsync(Cancel);
        return database;
    }

    private static async Task<MeasurementImportReport> ImportAsync(TestDatabase database, string csv, Regia.Core.Importing.ImportMode mode = Regia.Core.Importing.ImportMode.AllOrNothing, NumberNotation notation = NumberNotation.Unknown)
    {
        var path = Path.Combine(Path.GetTempPath(), $"regia-figures-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv, Cancel);
        await using var file = await Regia.Core.Importing.TabularFile.OpenPathAsync(path, cancellationToken: Cancel);
        await using var db = database.CreateContext();
        db.Caller = Regia.Core.Auditing.Caller.CommandLine("test");
        return await ImportMeasurements.RunAsync(db, file, mode, notation, TimeProvider.System, Cancel);
    }

    private const string Figures = """
        Indicatore;Anno;Territorio;Unità;Sesso;Valore;Stato;Nota
        TEST-OCC;2024;;%;;64,5;;
        TEST-OCC;2025;;%;;64,9;provvisorio;stima
        TEST-OCC;2025;;%;F;58,1;provvisorio;
        TEST-OCC;2025;;%;M;66,2;provvisorio;
        TEST-OCC;2025;015146;%;;1.066,0;;errore di battitura nella fonte
        TEST-OCC;2025;nord-milano;%;;;;dato non pubblicato
        """;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Figures_with_groups_and_places_import_in_italian_notation_once_and_the_indicator_reads_them(string provider)
    {
        await using var database = await WithIndicatorAsync(provider);

        var dry = await ImportAsync(database, Figures, Regia.Core.Importing.ImportMode.DryRun);
        Assert.Equal((6, 0, false, NumberNotation.Italian), (dry.Created, dry.Rejected, dry.Written, dry.Notation));
        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.Measurements.CountAsync(m => db.Indicators.Any(i => i.Id == m.IndicatorId && i.Code == "TEST-OCC"), Cancel));
        }

        var first = await ImportAsync(database, Figures);
        Assert.Equal((6, 0, 0, true), (first.Created, first.Rejected, first.Unchanged, first.Written));
        var again = await ImportAsync(database, Figures);
        Assert.Equal((0, 0, 6), (again.Created, again.Updated, again.Unchanged));

        await using (var db = database.CreateContext())
        {
            var detail = (await IndicatorQueries.GetAsync(db, "TEST-OCC", Cancel))!;
            // 64.9 at the end of 2025 against a path at 65 (60 → 70 over 2020–2030), within a tenth of the way: on track.
            Assert.Equal((TrackStatus.OnTrack, 64.9m), (detail.Assessment.Status, detail.Assessment.Latest!.Value.Value));
            Assert.Equal(TrackStatus.OffTrack, detail.GroupAssessments["sesso=F"].Status);
            Assert.Equal(TrackStatus.OnTrack, detail.GroupAssessments["sesso=M"].Status);
            Assert.Equal(1066m, detail.LatestByPlace.Single(p => p.Place == "015146").Value);
            // A missing figure is stored as missing, with its note; never as zero.
            var zone = detail.LatestByPlace.Single(p => p.Place == "nord-milano");
            Assert.Equal(((decimal?)null, "dato non pubblicato"), (zone.Value, zone.Note));
            Assert.Equal(FigureStatus.Provisional, detail.Series.Single(f => f.Period == "2025").Status);
        }

        // A corrected figure updates that one only.
        var corrected = await ImportAsync(database, Figures.Replace("64,9;provvisorio;stima", "65,2;definitivo;", StringComparison.Ordinal));
        Assert.Equal((0, 1, 5), (corrected.Created, corrected.Updated, corrected.Unchanged));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_bad_file_gets_row_numbered_italian_errors_and_writes_nothing(string provider)
    {
        await using var database = await WithIndicatorAsync(provider);
        const string Bad = """
            Indicator,Year,Territory,Units,Value
            TEST-OCC,2024,,%,64.5
            NON-ESISTE,2024,,%,1
            TEST-OCC,2024-Q5,,%,2
            TEST-OCC,2024,Atlantide,%,3
            TEST-OCC,2023,,abitanti,4
            TEST-OCC,2022,,%,"1,234.5,6"
            TEST-OCC,2024,,%,64.5
            """;
        var report = await ImportAsync(database, Bad);
        Assert.False(report.Written);
        Assert.Equal([3, 4, 5, 6, 7, 8], report.Problems.Select(p => p.Row));
        Assert.Contains("NON-ESISTE", report.Problems[0].Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("Year", report.Problems[1].Errors[0].Column);
        Assert.Contains("Atlantide", report.Problems[2].Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("unità", report.Problems[3].Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("riga 2", report.Problems[5].Errors[0].Message, StringComparison.Ordinal);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.Measurements.CountAsync(m => db.Indicators.Any(i => i.Id == m.IndicatorId && i.Code == "TEST-OCC"), Cancel));
        }

        // Only ambiguous numbers, no notation declared: refused rather than guessed; declared, they read.
        const string Ambiguous = "Indicator,Year,Value\nTEST-OCC,2024,\"1.234\"\n";
        Assert.Contains("due modi", (await ImportAsync(database, Ambiguous)).Problems.Single().Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(1, (await ImportAsync(database, Ambiguous, notation: NumberNotation.International)).Created);
        await using (var db = database.CreateContext())
        {
            Assert.Equal(1.234m, await db.Measurements.Where(m => db.Indicators.Any(i => i.Id == m.IndicatorId && i.Code == "TEST-OCC")).Select(m => m.Value).SingleAsync(Cancel));
        }

        await Assert.ThrowsAsync<Regia.Core.Importing.TabularFileException>(() => ImportAsync(database, "Indicator,Anno\nTEST-OCC,2024\n"));
    }
}
