using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Organizations;
using Regia.Core.Plans;
using Regia.Core.Proposals;
using Regia.Core.Territory;

namespace Regia.Core;

/// <summary>
/// The one persistence boundary of Regia; every feature's entities are configured beside them. Every change to
/// Regia's data is saved together with its audit entries, in one transaction, or not at all.
/// </summary>
public sealed class RegiaDbContext(DbContextOptions<RegiaDbContext> options)
    : IdentityUserContext<RegiaUser, int>(options), IDataProtectionKeyContext
{
    private readonly List<AuditRecord> pendingAudit = [];

    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<Mission> Missions => Set<Mission>();

    public DbSet<Objective> Objectives => Set<Objective>();

    public DbSet<Zone> Zones => Set<Zone>();

    public DbSet<Municipality> Municipalities => Set<Municipality>();

    public DbSet<MunicipalityPopulation> Populations => Set<MunicipalityPopulation>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<LoadedDataset> LoadedDatasets => Set<LoadedDataset>();

    public DbSet<Importing.ImportJob> ImportJobs => Set<Importing.ImportJob>();

    public DbSet<Reports.PublishedReport> PublishedReports => Set<Reports.PublishedReport>();

    public DbSet<PlanAction> Actions => Set<PlanAction>();

    public DbSet<ActionStatus> ActionStatuses => Set<ActionStatus>();

    public DbSet<ActionProposal> Proposals => Set<ActionProposal>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Alignment.ActionSuggestion> ActionSuggestions => Set<Alignment.ActionSuggestion>();

    public DbSet<Alignment.AlignmentExampleRecord> AlignmentExamples => Set<Alignment.AlignmentExampleRecord>();

    public DbSet<Alignment.MeasureMapping> MeasureMappings => Set<Alignment.MeasureMapping>();

    public DbSet<Indicators.Indicator> Indicators => Set<Indicators.Indicator>();

    public DbSet<Indicators.Measurement> Measurements => Set<Indicators.Measurement>();

    public DbSet<Campaigns.UpdateCampaign> Campaigns => Set<Campaigns.UpdateCampaign>();

    public DbSet<Campaigns.CampaignTask> CampaignTasks => Set<Campaigns.CampaignTask>();

    public DbSet<Mail.OutgoingMail> OutgoingMails => Set<Mail.OutgoingMail>();

    public DbSet<Commitments.Commitment> Commitments => Set<Commitments.Commitment>();

    public DbSet<Funding.FundingCall> FundingCalls => Set<Funding.FundingCall>();

    public DbSet<Funding.FundingCallInterest> FundingCallInterests => Set<Funding.FundingCallInterest>();

    public DbSet<Dup.DupObjective> DupObjectives => Set<Dup.DupObjective>();

    public DbSet<Comments.Comment> Comments => Set<Comments.Comment>();

    public DbSet<Comments.CommentReport> CommentReports => Set<Comments.CommentReport>();

    public DbSet<Common.SiteSetting> SiteSettings => Set<Common.SiteSetting>();

    /// <summary>ASP.NET Data Protection's key ring, shared by every instance of the site (deployment, not plan data).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Who acts through this context: set by the host (site request, API token, command line).</summary>
    public Caller Caller { get; set; } = Caller.System;

    /// <summary>Declares the change the next save makes; it is written with that save, in the same transaction.</summary>
    public void Audit(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        pendingAudit.Add(record);
    }

    /// <summary>Forgets declared changes when an operation fails before saving (e.g. Identity refused a password).</summary>
    public void DiscardPendingAudit() => pendingAudit.Clear();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        // Identity's synchronous paths touch only accounts; Regia's own changes go through the audited async path.
        var changes = PendingChanges();
        if (pendingAudit.Count > 0 || changes.Any(e => IsAudited(e.Metadata.ClrType)))
        {
            throw new NotSupportedException("Regia saves audited changes asynchronously (SaveChangesAsync).");
        }

        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changes = PendingChanges();
        var records = pendingAudit.ToList();
        pendingAudit.Clear();
        var unaudited = changes.Where(e => IsAudited(e.Metadata.ClrType)).Select(e => e.Metadata.ClrType.Name).Distinct().ToList();
        if (unaudited.Count > 0 && records.Count == 0)
        {
            throw new UnauditedChangeException(string.Join(", ", unaudited));
        }

        if (records.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
        }

        // Two writes in one transaction: the data first, so that new rows have their ids, then the entries naming them.
        var ownTransaction = Database.CurrentTransaction is null
            ? await Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
            foreach (var record in records)
            {
                var after = record.AfterLoader is null ? record.After : await record.AfterLoader(cancellationToken).ConfigureAwait(false);
                AuditEntries.Add(new AuditEntry
                {
                    AtUtc = record.AtUtc,
                    UserId = Caller.UserId,
                    ActorName = Caller.Name,
                    ActorOrganization = Caller.OrganizationName,
                    Channel = Caller.Channel,
                    EntityType = record.EntityType,
                    EntityId = record.EntityId(),
                    Operation = record.Operation,
                    Before = AuditJson.Serialize(record.Before),
                    After = AuditJson.Serialize(after),
                    Comment = record.Comment,
                    Version = record.Version?.Invoke(),
                    IsPublic = record.IsPublic,
                });
            }

            written += await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return written;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(RegiaDbContext).Assembly);
    }

    private List<EntityEntry> PendingChanges()
    {
        ChangeTracker.DetectChanges();
        var changes = ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        if (changes.Any(e => e.Entity is AuditEntry && e.State != EntityState.Added))
        {
            throw new InvalidOperationException("The audit trail is append-only: its entries cannot be changed or deleted.");
        }

        return changes;
    }

    /// <summary>
    /// Regia's own data must be audited. Accounts are audited by their operations but not enforced here, because
    /// signing in updates bookkeeping columns (failed attempts, last use of a token) that are not changes of data.
    /// The alignment engine's suggestions and examples are machine output made again from the data at any time; what
    /// people decide about them (confirming, rejecting) is audited by the operations that decide it. The mail outbox
    /// is a delivery queue: what a message announces (a campaign opened) is audited by the operation that queues it.
    /// </summary>
    private static bool IsAudited(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("Regia.Core", StringComparison.Ordinal)
        && type != typeof(AuditEntry) && type != typeof(LoadedDataset) && type != typeof(Importing.ImportJob)
        && type != typeof(Alignment.ActionSuggestion) && type != typeof(Alignment.AlignmentExampleRecord)
        && type != typeof(Mail.OutgoingMail)
        && ns != typeof(RegiaUser).Namespace;
}
