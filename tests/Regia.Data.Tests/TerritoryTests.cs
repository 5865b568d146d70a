using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Data;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Tests;

/// <summary>The shipped territory and the history of mergers, on SQLite and PostgreSQL.</summary>
public sealed class TerritoryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly DateOnly Today = new(2026, 11, 25);

    /// <summary>The shipped CSV's own totals, read independently of the loader.</summary>
    private static Dictionary<int, long> CsvPopulationTotals()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryFiles.TerritoryDirectory, TerritoryFiles.MunicipalitiesFile));
        var header = lines[0].Split(',');
        return Enumerable.Range(2018, 4).ToDictionary(
            year => year,
            year => lines.Skip(1).Select(l => l.Split(',')[Array.IndexOf(header, $"pop_res_{year}")]).Where(v => v.Length > 0).Sum(v => long.Parse(v, CultureInfo.InvariantCulture)));
    }

    private static async Task<TestDatabase> LoadedAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);
        return database;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_territory_has_133_Comuni_in_8_zones_whose_populations_add_up_to_the_shipped_data(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using var db = database.CreateContext();
        var totals = CsvPopulationTotals();

        var municipalities = await TerritoryQueries.ListMunicipalitiesAsync(db, Today, cancellationToken: Cancel);
        var zones = await TerritoryQueries.ListZonesAsync(db, Today, Cancel);

        Assert.Equal(133, municipalities.Count);
        Assert.Equal(8, zones.Count);
        Assert.Equal(["Adda Martesana", "Alto Milanese", "Magentino e Abbiatense", "Milano", "Nord Milano", "Nord Ovest", "Sud Est", "Sud Ovest"], zones.Select(z => z.Name));
        Assert.Equal([29, 22, 28, 1, 6, 16, 15, 16], zones.Select(z => z.MunicipalityCount));
        Assert.All(zones, z => Assert.Equal(2021, z.Population!.Year));
        Assert.Equal(totals[2021], zones.Sum(z => (long)z.Population!.Value));
        Assert.Equal(totals[2021], municipalities.Sum(m => (long)m.Population!.Value));
        foreach (var (year, total) in totals)
        {
            Assert.Equal(total, await db.Populations.Where(p => p.Year == year).SumAsync(p => (long)p.Residents, Cancel));
        }

        var milano = await TerritoryQueries.GetMunicipalityAsync(db, "015146", Cancel);
        Assert.Equal("Milano", milano!.Name);
        Assert.Equal("F205", milano.CadastralCode);
        Assert.Equal([2018, 2019, 2020, 2021], milano.Population.Select(p => p.Year));
        var vermezzo = await TerritoryQueries.GetMunicipalityAsync(db, "015251", Cancel);
        Assert.Equal([2020, 2021], vermezzo!.Population.Select(p => p.Year));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_Comune_is_an_organisation_at_the_Comuni_level_beside_the_Citta_metropolitana(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using var db = database.CreateContext();

        var all = await OrganizationQueries.ListAsync(db, cancellationToken: Cancel);
        var city = Assert.Single(await OrganizationQueries.ListAsync(db, "citta metropolitana", cancellationToken: Cancel));
        var comuni = await OrganizationQueries.ListAsync(db, level: ActorLevel.Municipalities, cancellationToken: Cancel);

        Assert.Equal(134, all.Count);
        Assert.Equal("Città metropolitana di Milano", city.Name);
        Assert.Equal(ActorLevel.MetropolitanCity, city.ActorLevel);
        Assert.Equal(133, comuni.Count);
        Assert.All(comuni, o => Assert.Equal(OrganizationKind.Municipality, o.Kind));
        Assert.Equal("015146", Assert.Single(await OrganizationQueries.ListAsync(db, "comune di milano", cancellationToken: Cancel)).MunicipalityIstatCode);
        Assert.Empty(await OrganizationQueries.ListAsync(db, level: ActorLevel.IntermediateBodies, cancellationToken: Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_second_start_leaves_the_territory_untouched(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using var db = database.CreateContext();

        var again = await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, Cancel);

        Assert.False(again.Territory!.Changed);
        Assert.Equal(133, await db.Municipalities.CountAsync(Cancel));
        Assert.Equal(134, await db.Organizations.CountAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_merger_keeps_the_history_of_the_former_Comuni(string provider)
    {
        // A simulated merger (test data, not a real one): Albairate and Cisliano into a test Comune 015999.
        await using var database = await LoadedAsync(provider);
        var effective = new DateOnly(2026, 1, 1);
        await using (var db = database.CreateContext())
        {
            await MergeMunicipalities.ExecuteAsync(db, new MunicipalMerger(["015005", "015078"], "015999", "Comune di prova (fusione simulata)", null, "Magentino e Abbiatense", effective), cancellationToken: Cancel);
        }

        await using (var db = database.CreateContext())
        {
            var before = await TerritoryQueries.ListMunicipalitiesAsync(db, effective.AddDays(-1), cancellationToken: Cancel);
            var after = await TerritoryQueries.ListMunicipalitiesAsync(db, effective, cancellationToken: Cancel);
            Assert.Equal(133, before.Count);
            Assert.Equal(132, after.Count);
            Assert.Contains(before, m => m.IstatCode == "015005");
            Assert.DoesNotContain(before, m => m.IstatCode == "015999");
            Assert.Contains(after, m => m.IstatCode == "015999");
            Assert.DoesNotContain(after, m => m.IstatCode is "015005" or "015078");

            var albairate = await TerritoryQueries.GetMunicipalityAsync(db, "015005", Cancel);
            Assert.Equal(new DateOnly(2025, 12, 31), albairate!.ValidTo);
            Assert.Equal("015999", albairate.MergedInto!.IstatCode);
            Assert.Equal([2018, 2019, 2020, 2021], albairate.Population.Select(p => p.Year));
            Assert.Equal(4669, albairate.LatestPopulation!.Value);

            var born = await TerritoryQueries.GetMunicipalityAsync(db, "015999", Cancel);
            Assert.Equal(effective, born!.ValidFrom);
            Assert.Equal(["015005", "015078"], born.MergedFrom.Select(m => m.IstatCode).Order(StringComparer.Ordinal));
            Assert.Empty(born.Population);

            Assert.NotNull(await db.Organizations.SingleOrDefaultAsync(o => o.Municipality!.IstatCode == "015005", Cancel));
            Assert.NotNull(await db.Organizations.SingleOrDefaultAsync(o => o.Municipality!.IstatCode == "015999", Cancel));
            var zone = (await TerritoryQueries.ListZonesAsync(db, effective, Cancel)).Single(z => z.Name == "Magentino e Abbiatense");
            Assert.Equal(27, zone.MunicipalityCount);
        }

        // A Comune that no longer exists cannot merge again, and a refused merger writes nothing.
        await using (var db = database.CreateContext())
        {
            var error = await Assert.ThrowsAsync<MunicipalMergerException>(() => MergeMunicipalities.ExecuteAsync(db, new MunicipalMerger(["015005", "015002"], "015998", "Altra prova", null, "Magentino e Abbiatense", new DateOnly(2026, 6, 1)), cancellationToken: Cancel));
            Assert.Contains("non esiste più", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<MunicipalMergerException>(() => MergeMunicipalities.ExecuteAsync(db, new MunicipalMerger(["015002", "015010"], "015146", "Codice già in uso", null, "Milano", new DateOnly(2026, 6, 1)), cancellationToken: Cancel));
            await Assert.ThrowsAsync<MunicipalMergerException>(() => MergeMunicipalities.ExecuteAsync(db, new MunicipalMerger(["015002", "015010"], "15998", "Codice malformato", null, "Milano", new DateOnly(2026, 6, 1)), cancellationToken: Cancel));
        }

        await using (var db = database.CreateContext())
        {
            Assert.Equal(134, await db.Municipalities.CountAsync(Cancel));
            Assert.Null((await TerritoryQueries.GetMunicipalityAsync(db, "015002", Cancel))!.ValidTo);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_intermediate_body_is_added_at_its_level_and_bad_input_writes_nothing(string provider)
    {
        await using var database = await LoadedAsync(provider);
        await using (var db = database.CreateContext())
        {
            // Test data, not a real organisation.
            var added = await AddOrganization.ExecuteAsync(db, new NewOrganization(" Università di prova ", OrganizationKind.University, "12345678901", null), cancellationToken: Cancel);
            Assert.Equal("Università di prova", added.Name);
            Assert.Equal(ActorLevel.IntermediateBodies, added.ActorLevel);

            var badTaxCode = await Assert.ThrowsAsync<OrganizationException>(() => AddOrganization.ExecuteAsync(db, new NewOrganization("Altro ente", OrganizationKind.ThirdSector, "123", null), cancellationToken: Cancel));
            Assert.Equal("taxCode", badTaxCode.Field);
            Assert.Equal("taxCode", (await Assert.ThrowsAsync<OrganizationException>(() => AddOrganization.ExecuteAsync(db, new NewOrganization("Doppione", OrganizationKind.Agency, "12345678901", null), cancellationToken: Cancel))).Field);
            Assert.Equal("kind", (await Assert.ThrowsAsync<OrganizationException>(() => AddOrganization.ExecuteAsync(db, new NewOrganization("Comune finto", OrganizationKind.Municipality, null, null), cancellationToken: Cancel))).Field);
        }

        await using (var db = database.CreateContext())
        {
            Assert.Equal(135, await db.Organizations.CountAsync(Cancel));
            Assert.Equal("Università di prova", Assert.Single(await OrganizationQueries.ListAsync(db, level: ActorLevel.IntermediateBodies, cancellationToken: Cancel)).Name);
        }
    }
}
