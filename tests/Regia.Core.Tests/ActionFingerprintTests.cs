using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Tests;

/// <summary>
/// The fingerprint an import keeps stands for exactly what <c>SaveAction.Differs</c> compares: a second import
/// trusts it to skip reading an action, so a change it missed would be an update silently lost.
/// </summary>
public sealed class ActionFingerprintTests
{
    private static readonly CheckedAction Stated = new(
        new ActionInput
        {
            Title = " Riqualificazione della scuola (test) ",
            Description = "Descrizione (test)",
            LeadOrganizationId = 7,
            ContributingLevel = ActorLevel.Municipalities,
            PrimaryObjective = "M4.1",
            Mission = 4,
            SuggestedObjective = "M4.2",
            ExternalId = "test:1",
            ParentId = 40,
            SecondaryObjectives = ["M4.3"],
            Status = "in-corso",
            Progress = 40m,
            Weight = 1.50m,
            Cup = "E21C22000040006",
            LocalProjectCode = "TEST-1",
            PlannedStart = new DateOnly(2025, 1, 1),
            PlannedEnd = new DateOnly(2026, 6, 30),
            ActualStart = new DateOnly(2025, 2, 1),
            ActualEnd = new DateOnly(2026, 7, 31),
            Scope = ActionScope.Municipalities,
            Places = [new PlaceInput(null, "015146", 0.6m), new PlaceInput(null, "015009", 0.4m)],
            Funding = [new FundingInput(FundingSource.Pnrr, "m4c1i3.3", 1000m, 500m, 100m), new FundingInput(FundingSource.Municipal, null, 200m, 0m, 0m)],
            Partners = [new PartnerInput(8, "Partner (test)"), new PartnerInput(9, "Gestore (test)")],
            Milestones = [new MilestoneInput("Gara (test)", new DateOnly(2025, 6, 1), null), new MilestoneInput("Lavori (test)", new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1))],
            Publication = PublicationState.Published,
        },
        new Dictionary<string, string[]>(),
        [new ObjectiveReference(41, "M4.1", 4, 4), new ObjectiveReference(43, "M4.3", 4, 4)],
        [new ResolvedPlace(null, 146, 0.6m), new ResolvedPlace(null, 9, 0.4m)],
        MissionId: 4,
        SuggestedObjectiveId: 42,
        StatusId: 3,
        Progress: 40m,
        LeadLevel: ActorLevel.Municipalities);

    /// <summary>One change for each thing an action stores from its input, named by the input's or the check's property it comes from.</summary>
    private static readonly (string Property, Func<CheckedAction, CheckedAction> Change)[] Changes =
    [
        ("Title", c => c with { Input = c.Input with { Title = "Altro titolo (test)" } }),
        ("ReadableTitle", c => c with { Input = c.Input with { ReadableTitle = "Titolo leggibile (test)" } }),
        ("Description", c => c with { Input = c.Input with { Description = null } }),
        ("LeadOrganizationId", c => c with { Input = c.Input with { LeadOrganizationId = 70 } }),
        ("ContributingLevel", c => c with { Input = c.Input with { ContributingLevel = ActorLevel.MetropolitanCity } }),
        ("LeadLevel", c => c with { Input = c.Input with { ContributingLevel = null }, LeadLevel = ActorLevel.MetropolitanCity }),
        ("PrimaryObjective", c => c with { Input = c.Input with { PrimaryObjective = null } }),
        ("Mission", c => c with { Input = c.Input with { Mission = 5 }, MissionId = 5 }),
        ("MissionId", c => c with { MissionId = null }),
        ("MissionPending", c => c with { Input = c.Input with { Mission = null, MissionPending = true }, MissionId = null }),
        ("SuggestedObjective", c => c with { Input = c.Input with { SuggestedObjective = null }, SuggestedObjectiveId = null }),
        ("SuggestedObjectiveId", c => c with { SuggestedObjectiveId = 44 }),
        ("ExternalId", c => c with { Input = c.Input with { ExternalId = "test:2" } }),
        ("ParentId", c => c with { Input = c.Input with { ParentId = null } }),
        ("SecondaryObjectives", c => c with { Input = c.Input with { SecondaryObjectives = [] }, Objectives = [c.Objectives[0]] }),
        ("Objectives", c => c with { Objectives = [c.Objectives[0], new ObjectiveReference(45, "M4.5", 4, 4)] }),
        ("Status", c => c with { Input = c.Input with { Status = "conclusa" }, StatusId = 4 }),
        ("StatusId", c => c with { StatusId = 5 }),
        ("Progress", c => c with { Input = c.Input with { Progress = 41m }, Progress = 41m }),
        ("Weight", c => c with { Input = c.Input with { Weight = 2m } }),
        ("Cup", c => c with { Input = c.Input with { Cup = "E21C22000040007" } }),
        ("LocalProjectCode", c => c with { Input = c.Input with { LocalProjectCode = null } }),
        ("PlannedStart", c => c with { Input = c.Input with { PlannedStart = null } }),
        ("PlannedEnd", c => c with { Input = c.Input with { PlannedEnd = new DateOnly(2026, 7, 1) } }),
        ("ActualStart", c => c with { Input = c.Input with { ActualStart = null } }),
        ("ActualEnd", c => c with { Input = c.Input with { ActualEnd = null } }),
        ("Scope", c => c with { Input = c.Input with { Scope = ActionScope.Zones } }),
        ("Places", c => c with { Places = [new ResolvedPlace(null, 146, 0.5m), new ResolvedPlace(null, 9, 0.5m)] }),
        ("Funding", c => c with { Input = c.Input with { Funding = [c.Input.Funding[0] with { Paid = 101m }, c.Input.Funding[1]] } }),
        ("Partners", c => c with { Input = c.Input with { Partners = [c.Input.Partners[0] with { Role = "Altro ruolo (test)" }, c.Input.Partners[1]] } }),
        ("Milestones", c => c with { Input = c.Input with { Milestones = [c.Input.Milestones[0] with { DoneOn = new DateOnly(2025, 6, 2) }, c.Input.Milestones[1]] } }),
        ("Publication", c => c with { Input = c.Input with { Publication = PublicationState.Draft } }),
    ];

    [Fact]
    public void Every_property_an_action_is_stored_from_has_a_change_here()
    {
        // A property added to the input or the check later must be added to Changes, and so to the fingerprint
        // (Stored is derived: the input with the lead's level filled in, both already here).
        var stored = typeof(ActionInput).GetProperties().Select(p => p.Name)
            .Concat(typeof(CheckedAction).GetProperties().Select(p => p.Name).Except(["Input", "Errors", "IsValid", "EqualityContract", "Stored"])).Distinct();
        Assert.Equal(stored.Order(StringComparer.Ordinal), Changes.Select(c => c.Property).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_change_the_comparison_sees_changes_the_fingerprint()
    {
        var action = SaveAction.New(Stated);
        Assert.False(SaveAction.Differs(action, Stated));
        var fingerprint = SaveAction.Fingerprint(Stated);
        foreach (var (property, change) in Changes)
        {
            var changed = change(Stated);
            Assert.True(SaveAction.Differs(action, changed), property);
            Assert.True(fingerprint != SaveAction.Fingerprint(changed), $"The fingerprint misses a change of {property}.");
        }
    }

    [Fact]
    public void What_the_comparison_ignores_the_fingerprint_ignores_too()
    {
        // Spaces around texts, the order of what an action owns, the case of a measure and the scale of an amount.
        var same = Stated with
        {
            Input = Stated.Input with
            {
                Title = "Riqualificazione della scuola (test)",
                Weight = 1.5m,
                Places = [.. Stated.Input.Places.Reverse()],
                Funding = [Stated.Input.Funding[1], Stated.Input.Funding[0] with { PnrrMeasure = " M4C1I3.3 ", Planned = 1000.00m }],
                Partners = [.. Stated.Input.Partners.Reverse()],
                Milestones = [.. Stated.Input.Milestones.Reverse()],
            },
            Places = [.. Stated.Places.Reverse()],
        };

        Assert.False(SaveAction.Differs(SaveAction.New(Stated), same));
        Assert.Equal(SaveAction.Fingerprint(Stated), SaveAction.Fingerprint(same));
    }

    [Fact]
    public void A_kept_fingerprint_matches_only_at_the_version_it_was_kept_for()
    {
        var content = SaveAction.Fingerprint(Stated);
        var kept = Enumerable.Range(1, 1000).Select(v => ActionFingerprint.At(content, v)).ToList();
        Assert.Equal(kept.Count, kept.Distinct().Count());
        Assert.Equal(kept[0], ActionFingerprint.At(content, 1));
        Assert.NotEqual(kept[0], ActionFingerprint.At(SaveAction.Fingerprint(Stated with { Input = Stated.Input with { Weight = 3m } }), 1));
    }
}
