using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Common;

/// <summary>Which version of a shipped dataset was last loaded: a start with the same files changes nothing.</summary>
public sealed class LoadedDataset
{
    public int Id { get; set; }

    public required string Key { get; set; }

    public required string ContentHash { get; set; }

    public DateTime LoadedAtUtc { get; set; }
}

internal sealed class LoadedDatasetConfiguration : IEntityTypeConfiguration<LoadedDataset>
{
    public void Configure(EntityTypeBuilder<LoadedDataset> builder)
    {
        builder.Property(d => d.Key).HasMaxLength(64);
        builder.Property(d => d.ContentHash).HasMaxLength(64);
        builder.HasIndex(d => d.Key).IsUnique();
    }
}
