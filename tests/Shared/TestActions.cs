using Microsoft.EntityFrameworkCore;
using Regia.Core;
using Regia.Core.Actions;

namespace Regia.Tests;

/// <summary>Actions for tests. They are test data, labelled as such in their titles, never real projects.</summary>
public static class TestActions
{
    public static async Task<int> OrganizationId(RegiaDbContext db, string name, CancellationToken cancellationToken) =>
        (await db.Organizations.SingleAsync(o => o.Name == name, cancellationToken)).Id;

    public static async Task<ActionInput> SampleAsync(RegiaDbContext db, CancellationToken cancellationToken) => new()
    {
        Title = "Azione di prova: rete ciclabile tra Comuni (dati di test)",
        Description = "Dati di test.",
        LeadOrganizationId = await OrganizationId(db, "Città metropolitana di Milano", cancellationToken),
        PrimaryObjective = "M3.6",
        SecondaryObjectives = ["m3.7"],
        Status = "in-corso",
        Progress = 40,
        Weight = 2,
        Cup = "e59j21011940003",
        LocalProjectCode = "TEST-1",
        PlannedStart = new DateOnly(2025, 3, 1),
        PlannedEnd = new DateOnly(2027, 6, 30),
        Scope = ActionScope.Zones,
        Places = [new PlaceInput("nord-milano", null, null), new PlaceInput("sud-est", null, null)],
        Funding =
        [
            new FundingInput(FundingSource.Pnrr, "m2c2i4.1", 1_000_000m, 600_000m, 250_000.50m),
            new FundingInput(FundingSource.MetropolitanCity, null, 200_000m, 0m, 0m),
        ],
        Partners = [new PartnerInput(await OrganizationId(db, "Comune di Sesto San Giovanni", cancellationToken), "partner")],
        Milestones = [new MilestoneInput("Progetto esecutivo", new DateOnly(2025, 12, 31), new DateOnly(2025, 12, 15))],
        Publication = PublicationState.Published,
    };

    /// <summary>
    /// <paramref name="count"/> published actions of the Comune di Milano, placed in Milano, the i-th (from 1) with
    /// i × 1,000 € of municipal money: more than a page of the list and than a place's table shows.
    /// </summary>
    public static async Task ManyInMilanoAsync(RegiaDbContext db, int count, CancellationToken cancellationToken)
    {
        var sample = await SampleAsync(db, cancellationToken);
        var milano = await OrganizationId(db, "Comune di Milano", cancellationToken);
        for (var i = 1; i <= count; i++)
        {
            await SaveAction.CreateAsync(db, sample with
            {
                Title = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Azione di Milano {i} (test)"),
                LeadOrganizationId = milano,
                Partners = [],
                Cup = null,
                LocalProjectCode = null,
                Scope = ActionScope.Municipalities,
                Places = [new PlaceInput(null, "015146", null)],
                Funding = [new FundingInput(FundingSource.Municipal, null, i * 1_000m, 0, 0)],
            }, TimeProvider.System, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Three published actions on M3.6 (one without progress, part of the first) and one draft; returns the first one's id.</summary>
    public static async Task<int> SeedAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        var sample = await SampleAsync(db, cancellationToken);
        var milano = await OrganizationId(db, "Comune di Milano", cancellationToken);
        var first = await SaveAction.CreateAsync(db, sample, TimeProvider.System, cancellationToken: cancellationToken);
        await SaveAction.CreateAsync(db, sample with { Title = "Prova 2 (test)", LeadOrganizationId = milano, Partners = [], Progress = 80, Weight = 1, Scope = ActionScope.Municipalities, Places = [new PlaceInput(null, "015146", null)], Funding = [new FundingInput(FundingSource.Municipal, null, 300_000m, 0, 0)], Cup = null }, TimeProvider.System, cancellationToken: cancellationToken);
        await SaveAction.CreateAsync(db, sample with { Title = "Prova 3 senza avanzamento (test)", Status = "avviata", Progress = null, Scope = ActionScope.Metropolitan, Places = [], Funding = [], ParentId = first.Id }, TimeProvider.System, cancellationToken: cancellationToken);
        await SaveAction.CreateAsync(db, sample with { Title = "Bozza (test)", Publication = PublicationState.Draft }, TimeProvider.System, cancellationToken: cancellationToken);
        return first.Id;
    }

    /// <summary>
    /// Two published test actions of the Città metropolitana stating only their mission, with the alignment engine's
    /// suggestion stored for every action that has none: the first (cycling) is suggested M3.6; ids returned.
    /// </summary>
    public static async Task<(int Cycling, int Forest)> SuggestedAsync(RegiaDbContext db, CancellationToken cancellationToken)
    {
        var sample = await SampleAsync(db, cancellationToken);
        var plain = sample with { PrimaryObjective = null, SecondaryObjectives = [], Partners = [], Cup = null, LocalProjectCode = null, Scope = ActionScope.Metropolitan, Places = [] };
        var cycling = await SaveAction.CreateAsync(db, plain with { Title = "Realizzazione di una rete ciclabile sicura tra i Comuni (test)", Mission = 3 }, TimeProvider.System, cancellationToken: cancellationToken);
        var forest = await SaveAction.CreateAsync(db, plain with { Title = "Forestazione urbana e nuovi boschi contro le isole di calore (test)", Mission = 2 }, TimeProvider.System, cancellationToken: cancellationToken);
        var model = await Regia.Core.Alignment.AlignmentEngine.BuildAsync(db, cancellationToken);
        await Regia.Core.Alignment.SuggestObjectives.ExecuteAsync(db, model, TimeProvider.System, cancellationToken: cancellationToken);
        return (cycling.Id, forest.Id);
    }
}
