using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Organizations;

namespace Regia.Core.Accounts;

/// <summary>What a user may do. One role per account; the organisation says on whose actions an editor works.</summary>
public enum RegiaRole
{
    /// <summary>The strategic planning office: everything, including accounts.</summary>
    Admin,

    /// <summary>Città metropolitana staff who validate: their changes apply at once, and they approve proposals.</summary>
    Reviewer,

    /// <summary>May propose changes to the actions its organisation leads; a reviewer approves them.</summary>
    Editor,

    /// <summary>Reads what is not yet published (drafts, proposals of its organisation); writes nothing.</summary>
    Viewer,

    /// <summary>A resident who signed up (or in through OpenID Connect) to comment: no organisation, no back office, no drafts.</summary>
    Resident,
}

/// <summary>Names of the roles as stored and as carried in claims.</summary>
public static class RegiaRoles
{
    public const string Admin = "admin";
    public const string Reviewer = "reviewer";
    public const string Editor = "editor";
    public const string Viewer = "viewer";
    public const string Resident = "resident";

    /// <summary>Administrators and reviewers, for authorisation rules.</summary>
    public const string Reviewers = Admin + "," + Reviewer;

    public static string NameOf(RegiaRole role) => role switch
    {
        RegiaRole.Admin => Admin,
        RegiaRole.Reviewer => Reviewer,
        RegiaRole.Editor => Editor,
        RegiaRole.Resident => Resident,
        _ => Viewer,
    };

    public static RegiaRole? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        Admin => RegiaRole.Admin,
        Reviewer => RegiaRole.Reviewer,
        Editor => RegiaRole.Editor,
        Viewer => RegiaRole.Viewer,
        Resident => RegiaRole.Resident,
        _ => null,
    };
}

/// <summary>An account of a person who works on the plan, tied to the organisation they work for, or of a resident (no organisation).</summary>
public sealed class RegiaUser : IdentityUser<int>
{
    public required string DisplayName { get; set; }

    /// <summary>The organisation staff work for; none for a <see cref="RegiaRole.Resident"/>.</summary>
    public int? OrganizationId { get; set; }

    public Organization? Organization { get; set; }

    public RegiaRole Role { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>When an administrator disabled the account; a disabled account cannot sign in or use its tokens.</summary>
    public DateTime? DisabledAtUtc { get; set; }
}

/// <summary>
/// A token for the API, sent as <c>Authorization: Bearer …</c>. Only its SHA-256 hash is stored: the token itself is
/// shown once, when created. It acts with its owner's permissions, expires, and can be revoked.
/// </summary>
public sealed class ApiToken
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public RegiaUser? User { get; set; }

    public required string Name { get; set; }

    /// <summary>Hex SHA-256 of the whole token.</summary>
    public required string Hash { get; set; }

    /// <summary>The first characters of the token, so that its owner can tell tokens apart.</summary>
    public required string Prefix { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime ExpiresAtUtc { get; set; }

    public DateTime? RevokedAtUtc { get; set; }

    public DateTime? LastUsedAtUtc { get; set; }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<RegiaUser>, IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<RegiaUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasOne(u => u.Organization).WithMany().HasForeignKey(u => u.OrganizationId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.Hash).HasMaxLength(64).IsFixedLength();
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
