using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Common;

/// <summary>
/// A setting the planning office changes from the site (not a deployment's configuration): kept in the database, so
/// every instance reads the same value, and audited where it is written.
/// </summary>
public sealed class SiteSetting
{
    public required string Key { get; set; }

    public required string Value { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    public required string UpdatedBy { get; set; }
}

internal sealed class SiteSettingConfiguration : IEntityTypeConfiguration<SiteSetting>
{
    public void Configure(EntityTypeBuilder<SiteSetting> builder)
    {
        builder.ToTable("SiteSettings");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(64);
        builder.Property(s => s.Value).HasMaxLength(256);
        builder.Property(s => s.UpdatedBy).HasMaxLength(256);
    }
}
