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

        // Loaded at every start, once: a second start adds nothing.
        Assert.Equal(0, await ShippedIndicators.LoadAsync(db, TimeProvider.System, Cancel));
        Assert.Equal(1, await db.Indicators.CountAsync(Cancel));

        // The list and its filters.
        Assert.Equal("POP-RES", Assert.Single(await IndicatorQueries.ListAsync(db, new IndicatorFilter(Sdg: 11), Cancel)).Code);
        Assert.Single(await IndicatorQueries.ListAsync(db, new IndicatorFilter(Status: TrackStatus.NotAssessed), Cancel));
        Assert.Empty(await IndicatorQueries.ListAsync(db, new IndicatorFilter(Status: TrackStatus.OffTrack), Cancel));
        Assert.Empty(await IndicatorQueries.ListAsync(db, new IndicatorFilter(Sdg: 4), Cancel));
        Assert.Null(await IndicatorQueries.GetAsync(db, "NON-ESISTE", Cancel));
    }
}
