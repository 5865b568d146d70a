using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Plans;
using Regia.Core.Territory;

namespace Regia.Core.Organizations;

/// <summary>What kind of body an organisation (soggetto) is.</summary>
public enum OrganizationKind
{
    MetropolitanCity,
    Municipality,
    MunicipalUnion,
    Region,
    ChamberOfCommerce,
    University,
    ResearchCentre,
    TradeAssociation,
    TradeUnion,
    ThirdSector,
    PublicCompany,
    Agency,
    Other,
}

/// <summary>An organisation that leads or joins actions: the Città metropolitana, a Comune, an intermediate body.</summary>
public sealed class Organization
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public OrganizationKind Kind { get; set; }

    /// <summary>Codice fiscale (11 digits for a body, 16 characters for a person), where known.</summary>
    public string? TaxCode { get; set; }

    /// <summary>Code in the Indice dei domicili digitali della PA (IPA), where known.</summary>
    public string? IpaCode { get; set; }

    /// <summary>The Comune this organisation is, for <see cref="OrganizationKind.Municipality"/>.</summary>
    public int? MunicipalityId { get; set; }

    public Municipality? Municipality { get; set; }

    /// <summary>The level of the plan's objectives tables this organisation acts at.</summary>
    public ActorLevel ActorLevel => LevelOf(Kind);

    public static ActorLevel LevelOf(OrganizationKind kind) => kind switch
    {
        OrganizationKind.MetropolitanCity => ActorLevel.MetropolitanCity,
        OrganizationKind.Municipality or OrganizationKind.MunicipalUnion => ActorLevel.Municipalities,
        _ => ActorLevel.IntermediateBodies,
    };
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.Property(o => o.Name).HasMaxLength(300);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(o => o.TaxCode).HasMaxLength(16);
        builder.Property(o => o.IpaCode).HasMaxLength(32);
        builder.Ignore(o => o.ActorLevel);
        builder.HasIndex(o => o.MunicipalityId).IsUnique();
        builder.HasIndex(o => o.Name);
        builder.HasOne(o => o.Municipality).WithMany().HasForeignKey(o => o.MunicipalityId).OnDelete(DeleteBehavior.Restrict);
    }
}
