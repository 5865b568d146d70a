using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Territory;

/// <summary>A Zona omogenea: one of the eight areas into which the Città metropolitana groups its Comuni.</summary>
public sealed class Zone
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>URL form of the name, e.g. <c>adda-martesana</c>.</summary>
    public required string Slug { get; set; }

    /// <summary>The zone's motto in the strategic plan's territorial agendas, where it has one.</summary>
    public string? Slogan { get; set; }

    /// <summary>The zone's outline (GeoJSON geometry), dissolved from its Comuni.</summary>
    public string? BoundaryGeoJson { get; set; }

    public List<Municipality> Municipalities { get; } = [];
}

/// <summary>
/// A Comune of the metropolitan territory. Entries have validity dates: when Comuni merge (as Vermezzo and Zelo
/// Surrigone did in 2019) the old entries are closed and point at their successor, and everything recorded on them
/// stays theirs.
/// </summary>
public sealed partial class Municipality
{
    public int Id { get; set; }

    /// <summary>ISTAT code: six digits, zero-padded (e.g. <c>015146</c> for Milano).</summary>
    public required string IstatCode { get; set; }

    public required string Name { get; set; }

    /// <summary>Codice catastale (Belfiore), e.g. <c>F205</c>.</summary>
    public string? CadastralCode { get; set; }

    public int ZoneId { get; set; }

    public Zone? Zone { get; set; }

    /// <summary>First day the Comune exists; null when it predates the records Regia holds.</summary>
    public DateOnly? ValidFrom { get; set; }

    /// <summary>Last day the Comune existed; null while it exists.</summary>
    public DateOnly? ValidTo { get; set; }

    /// <summary>The Comune this one merged into, once it no longer exists.</summary>
    public int? SuccessorId { get; set; }

    public Municipality? Successor { get; set; }

    /// <summary>Area in km², computed from the boundary polygon (not the official ISTAT surface).</summary>
    public decimal? AreaKm2 { get; set; }

    public double? CentroidLongitude { get; set; }

    public double? CentroidLatitude { get; set; }

    /// <summary>The boundary as a GeoJSON geometry (WGS84).</summary>
    public string? BoundaryGeoJson { get; set; }

    public List<MunicipalityPopulation> Population { get; } = [];

    public bool IsValidOn(DateOnly day) => (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || day <= ValidTo);

    /// <summary>True for a well-formed ISTAT code: exactly six digits.</summary>
    public static bool IsIstatCode(string? code) => code is not null && IstatPattern().IsMatch(code);

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex IstatPattern();
}

/// <summary>Resident population of a Comune on 1 January of a year (ISTAT).</summary>
public sealed class MunicipalityPopulation
{
    public int Id { get; set; }

    public int MunicipalityId { get; set; }

    public int Year { get; set; }

    public int Residents { get; set; }
}

internal sealed class TerritoryConfiguration :
    IEntityTypeConfiguration<Zone>,
    IEntityTypeConfiguration<Municipality>,
    IEntityTypeConfiguration<MunicipalityPopulation>
{
    public void Configure(EntityTypeBuilder<Zone> builder)
    {
        builder.Property(z => z.Name).HasMaxLength(100);
        builder.Property(z => z.Slug).HasMaxLength(100);
        builder.Property(z => z.Slogan).HasMaxLength(300);
        builder.HasIndex(z => z.Name).IsUnique();
        builder.HasIndex(z => z.Slug).IsUnique();
        builder.HasMany(z => z.Municipalities).WithOne(m => m.Zone).HasForeignKey(m => m.ZoneId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Municipality> builder)
    {
        builder.Property(m => m.IstatCode).HasMaxLength(6).IsFixedLength();
        builder.HasIndex(m => m.IstatCode).IsUnique();
        builder.Property(m => m.Name).HasMaxLength(150);
        builder.Property(m => m.CadastralCode).HasMaxLength(4);
        builder.Property(m => m.AreaKm2).HasPrecision(10, 2);
        builder.HasOne(m => m.Successor).WithMany().HasForeignKey(m => m.SuccessorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(m => m.Population).WithOne().HasForeignKey(p => p.MunicipalityId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<MunicipalityPopulation> builder) =>
        builder.HasIndex(p => new { p.MunicipalityId, p.Year }).IsUnique();
}
