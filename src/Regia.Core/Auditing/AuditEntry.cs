using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Regia.Core.Accounts;

namespace Regia.Core.Auditing;

/// <summary>Through what a change reached Regia.</summary>
public enum ChangeChannel
{
    /// <summary>Start-up loads of shipped data and other work Regia does by itself.</summary>
    System,
    Site,
    Api,
    Cli,
    Import,
}

/// <summary>
/// Who acts through a <see cref="RegiaDbContext"/>: the signed-in user (or token owner) with their organisation and
/// role, and the channel. Permission checks and the audit trail read the same value, so they cannot disagree.
/// </summary>
public sealed record Caller(int? UserId, string Name, int? OrganizationId, string? OrganizationName, RegiaRole? Role, ChangeChannel Channel)
{
    /// <summary>Regia itself, e.g. loading the shipped plan at start-up.</summary>
    public static Caller System { get; } = new(null, "Regia", null, null, null, ChangeChannel.System);

    public bool IsAuthenticated => UserId is not null;

    /// <summary>Administrators and reviewers validate: their changes apply at once, and they approve others'.</summary>
    public bool IsReviewer => Role is RegiaRole.Admin or RegiaRole.Reviewer;

    public bool IsAdministrator => Role is RegiaRole.Admin;

    /// <summary>Someone who works on the plan (administrators, reviewers, editors, viewers): may read drafts and organisations' notes. Residents are not staff.</summary>
    public bool IsStaff => Role is RegiaRole.Admin or RegiaRole.Reviewer or RegiaRole.Editor or RegiaRole.Viewer;

    /// <summary>The operator at a terminal: trusted as an administrator, recorded by the machine's user name.</summary>
    public static Caller CommandLine(string operatorName) => new(null, operatorName, null, null, RegiaRole.Admin, ChangeChannel.Cli);
}

/// <summary>
/// One change, as it happened: who, when, through what, to which thing, and its values before and after (JSON).
/// Rows are only ever added: the context refuses to update or delete them, and database triggers refuse it too.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTime AtUtc { get; set; }

    public int? UserId { get; set; }

    public required string ActorName { get; set; }

    public string? ActorOrganization { get; set; }

    public ChangeChannel Channel { get; set; }

    /// <summary>What changed, e.g. <c>action</c>, <c>proposal</c>, <c>user</c>, <c>plan</c>.</summary>
    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    /// <summary>What was done, e.g. <c>create</c>, <c>update</c>, <c>approve</c>.</summary>
    public required string Operation { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }

    public string? Comment { get; set; }

    /// <summary>The version of the thing after the change, where it has one (actions).</summary>
    public int? Version { get; set; }

    /// <summary>Whether the public may read this entry (changes to published actions).</summary>
    public bool IsPublic { get; set; }
}

/// <summary>What an operation declares about its change; the context stamps who, when and through what.</summary>
public sealed record AuditRecord(string EntityType, Func<string> EntityId, string Operation, DateTime AtUtc)
{
    public object? Before { get; init; }

    public object? After { get; init; }

    /// <summary>Reads the value after the change once it is written (new rows have their ids then).</summary>
    public Func<CancellationToken, Task<object?>>? AfterLoader { get; init; }

    public string? Comment { get; init; }

    public Func<int?>? Version { get; init; }

    public bool IsPublic { get; init; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.Property(a => a.ActorName).HasMaxLength(256);
        builder.Property(a => a.ActorOrganization).HasMaxLength(300);
        builder.Property(a => a.Channel).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.EntityType).HasMaxLength(32);
        builder.Property(a => a.EntityId).HasMaxLength(64);
        builder.Property(a => a.Operation).HasMaxLength(32);
        builder.Property(a => a.Comment).HasMaxLength(2000);
        // One entity's history, newest first. No index on AtUtc: no query reads entries by time (the audit page pages by
        // Id), and every write of the site and of an import would pay for it.
        builder.HasIndex(a => new { a.EntityType, a.EntityId, a.Id });
    }
}

/// <summary>JSON for before/after values: stable, readable, invariant.</summary>
public static class AuditJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    public static T? Deserialize<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Options);
}

/// <summary>A change to the data of Regia was about to be saved without saying what it is: a programming error.</summary>
public sealed class UnauditedChangeException(string types)
    : InvalidOperationException($"Every change is recorded in the audit trail; this one was not: {types}. Call RegiaDbContext.Audit before saving.");
