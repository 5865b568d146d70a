using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Exports;
using Regia.Core.Organizations;
using Regia.Core.Proposals;

namespace Regia.Core.Importing;

/// <summary>What an import does: only report (dry run), write all rows or none, or write the valid rows only.</summary>
public enum ImportMode
{
    /// <summary>Reads and checks every row and says what would happen; writes nothing.</summary>
    DryRun,

    /// <summary>Writes every row, or nothing at all when any row is rejected (the default).</summary>
    AllOrNothing,

    /// <summary>Writes the valid rows; the rejected ones come back as a file to correct and import again.</summary>
    ValidOnly,
}

public enum RowOutcome
{
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// <summary>What is wrong in a row: the column (as the file names it) and why, in Italian.</summary>
public sealed record CellError(string Column, string Message);

/// <summary>
/// How a row is recognised on a second import: Regia's own id, the key of the system it came from, or CUP and local
/// project code (the PNRR key: one CUP may carry several local codes).
/// </summary>
public sealed record ImportKey(int? Id, string? ExternalId, string? Cup, string? LocalProjectCode)
{
    public override string ToString() =>
        Id is { } id ? id.ToString(CultureInfo.InvariantCulture)
        : ExternalId ?? (LocalProjectCode is null ? Cup ?? string.Empty : $"{Cup}/{LocalProjectCode}");

    internal bool IsEmpty => Id is null && ExternalId is null && Cup is null && LocalProjectCode is null;
}

/// <summary>A row of a file as a format reads it: the action it states, or why it cannot, and the row's own cells.</summary>
public sealed record SourceRow(int Row, ImportKey Key, ActionInput? Input, IReadOnlyList<CellError> Errors, IReadOnlyList<string> Cells)
{
    /// <summary>A short text that says which record this is (e.g. the title), for reports.</summary>
    public string? Label { get; init; }

    /// <summary>The external id of the action this row is part of (a parent earlier in the file or already in Regia).</summary>
    public string? ParentKey { get; init; }

    /// <summary>The version the row was exported at, when the file says: a row changed in Regia since is refused, not overwritten.</summary>
    public int? ExpectedVersion { get; init; }

    /// <summary>
    /// False when the file says nothing of the plan's objectives (PNRR open data, a Decidim result whose category names
    /// none): the objectives people linked in Regia stay when the row updates the action, and a second import of the
    /// same file after an objective was confirmed changes nothing.
    /// </summary>
    public bool StatesObjectives { get; init; } = true;
}

/// <summary>What became of one row.</summary>
public sealed record RowResult(int Row, string Key, string? Label, RowOutcome Outcome, int? ActionId, IReadOnlyList<CellError> Errors);

/// <summary>How far an import has got: rows read so far and, when the size is known, the share of the file read.</summary>
public sealed record ImportProgress(long Rows, long Created, long Updated, long Unchanged, long Rejected, double? Fraction);

/// <summary>The outcome of an import; <see cref="Rows"/> holds the first <see cref="ImportOptions.ReportedRows"/> rows' results.</summary>
public sealed record ImportReport(
    ImportMode Mode,
    long Created,
    long Updated,
    long Unchanged,
    long Rejected,
    long OrganizationsCreated,
    bool Written,
    IReadOnlyList<RowResult> Rows)
{
    public long Total => Created + Updated + Unchanged + Rejected;
}

public sealed record ImportOptions
{
    public ImportMode Mode { get; init; } = ImportMode.AllOrNothing;

    /// <summary>Rows written per round trip; the change tracker is emptied after each, so memory stays flat.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>How many rows' results the report keeps (rejected rows first come first).</summary>
    public int ReportedRows { get; init; } = 1000;

    /// <summary>Where the rejected rows go, as CSV with the file's own columns plus the row number and the errors.</summary>
    public Stream? RejectedRows { get; init; }

    public IProgress<ImportProgress>? Progress { get; init; }

    /// <summary>Every row's result as it is decided (e.g. to write a full report); a batch's accepted rows come once it is written.</summary>
    public Func<RowResult, ValueTask>? OnRow { get; init; }

    /// <summary>New actions are written in bulk (COPY / prepared statements) rather than through the change tracker; false only to compare the two.</summary>
    public bool BulkCreate { get; init; } = true;

    /// <summary>
    /// PostgreSQL: the action tables' foreign keys are dropped inside the import's transaction and added back, each
    /// checked in one pass, before it commits; about a third faster, but the site waits (ACCESS EXCLUSIVE locks on
    /// the action, plan, territory and organisation tables) until the import ends. For a first load or a maintenance
    /// window; no effect on SQLite. See <see cref="DeferredForeignKeys"/>.
    /// </summary>
    public bool Exclusive { get; init; }

    /// <summary>
    /// The alignment engine's model: when given, every action without a suggestion (those the import creates) gets
    /// the engine's, and the file's labelled rows that are not actions are kept as examples, inside the import's
    /// transaction. Without it, imports suggest nothing (tests of the import alone, the benchmark's import without alignment).
    /// </summary>
    public Alignment.AlignmentModel? Alignment { get; init; }
}

/// <summary>What a format may do while it reads: look up references and find or add organisations.</summary>
public sealed class ImportContext
{
    private readonly RegiaDbContext db;
    private readonly TimeProvider clock;
    private readonly Dictionary<string, int> organizationsByTaxCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> organizationsByName = new(StringComparer.OrdinalIgnoreCase);
    private int nextPlaceholder = -1;

    internal ImportContext(RegiaDbContext db, ActionReferences references, bool writes, TimeProvider clock)
    {
        this.db = db;
        this.clock = clock;
        References = references;
        Writes = writes;
    }

    public ActionReferences References { get; }

    /// <summary>False in a dry run: organisations a file would add get a placeholder id and nothing is written.</summary>
    public bool Writes { get; }

    public long OrganizationsCreated { get; private set; }

    internal async Task LoadOrganizationsAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Organizations.AsNoTracking().Select(o => new { o.Id, o.Name, o.TaxCode, o.Kind, Municipality = o.Municipality!.Name }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            if (row.TaxCode is { } taxCode)
            {
                organizationsByTaxCode.TryAdd(taxCode, row.Id);
            }

            organizationsByName.TryAdd(NameKey(row.Name), row.Id);
            if (row.Kind == OrganizationKind.Municipality && row.Municipality is { } municipality)
            {
                // Source files name a Comune "COMUNE DI ARESE"; Regia names it "Comune di Arese" or just "Arese".
                organizationsByName.TryAdd(NameKey("Comune di " + municipality), row.Id);
            }

            if (row.Kind == OrganizationKind.MetropolitanCity)
            {
                organizationsByName.TryAdd(NameKey("Città metropolitana di Milano"), row.Id);
                organizationsByName.TryAdd(NameKey("Citta' metropolitana di Milano"), row.Id);
            }
        }
    }

    /// <summary>The organisation with this tax code or name, if Regia knows it.</summary>
    public int? FindOrganization(string? taxCode, string? name)
    {
        if (taxCode is not null && organizationsByTaxCode.TryGetValue(taxCode, out var byCode))
        {
            return byCode;
        }

        return name is not null && organizationsByName.TryGetValue(NameKey(name), out var byName) ? byName : null;
    }

    /// <summary>
    /// The organisation with this tax code or name. One Regia does not know yet gets a placeholder id (negative) at
    /// once and is added, audited, only when a row naming it is written (<see cref="CreateOrganizationsAsync"/>):
    /// the formats read on one thread while rows are written on another, and rejected rows add nobody.
    /// </summary>
    public Task<int> OrganizationAsync(string name, string? taxCode, OrganizationKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (FindOrganization(taxCode, name) is { } known)
        {
            return Task.FromResult(known);
        }

        var id = nextPlaceholder--;
        var organization = new PendingOrganization(name.Trim(), taxCode, kind);
        pending[id] = organization;
        References.AddOrganization(id, new OrganizationReference(Organization.LevelOf(kind), organization.Name));
        if (taxCode is not null)
        {
            organizationsByTaxCode[taxCode] = id;
        }

        organizationsByName[NameKey(name)] = id;
        return Task.FromResult(id);
    }

    private sealed record PendingOrganization(string Name, string? TaxCode, OrganizationKind Kind);

    /// <summary>Placeholders handed out by <see cref="OrganizationAsync"/>, until created.</summary>
    private readonly ConcurrentDictionary<int, PendingOrganization> pending = new();

    /// <summary>The id each placeholder became (in a dry run: itself).</summary>
    private readonly ConcurrentDictionary<int, int> created = new();

    /// <summary>Adds (and audits) the organisations these placeholders stand for, in one save; in a dry run only counts them.</summary>
    internal async Task CreateOrganizationsAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Where(id => id < 0 && !created.ContainsKey(id) && pending.ContainsKey(id)).Distinct().Order().Reverse().ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        if (!Writes)
        {
            foreach (var id in wanted)
            {
                created[id] = id;
            }

            OrganizationsCreated += wanted.Count;
            return;
        }

        var added = new List<(int Placeholder, Organization Organization)>();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in wanted)
        {
            var (name, taxCode, kind) = pending[id];
            var organization = new Organization { Name = name, Kind = kind, TaxCode = taxCode };
            db.Organizations.Add(organization);
            db.Audit(new AuditRecord("organization", () => organization.Id.ToString(CultureInfo.InvariantCulture), "create", now)
            {
                After = new { organization.Name, kind = organization.Kind.ToString(), organization.TaxCode },
                Comment = "Aggiunto da un'importazione",
            });
            added.Add((id, organization));
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (placeholder, organization) in added)
        {
            created[placeholder] = organization.Id;
            References.AddOrganization(organization.Id, new OrganizationReference(Organization.LevelOf(organization.Kind), organization.Name));
        }

        OrganizationsCreated += added.Count;
    }

    /// <summary>The id an organisation has once created: a placeholder becomes the real id, any other id stays.</summary>
    internal int Resolve(int id) => id < 0 && created.TryGetValue(id, out var real) ? real : id;

    private static string NameKey(string name) =>
        string.Join(' ', name.Replace('’', '\'').Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}

/// <summary>A file format that yields actions: Regia's template, PNRR open data, Decidim results.</summary>
public interface IActionSource
{
    /// <summary>The file's column names, for the rejected-rows file.</summary>
    IReadOnlyList<string> Headers { get; }

    /// <summary>The share of the file read so far, when known.</summary>
    double? Fraction { get; }

    /// <summary>The file column a rule's field comes from (e.g. <c>cup</c> → <c>CUP</c>).</summary>
    string ColumnOf(string field);

    IAsyncEnumerable<SourceRow> ReadAsync(ImportContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Labelled texts of the file that are not actions (e.g. PNRR projects outside the metropolitan territory), by
    /// key, for the alignment engine to learn from; known once the rows are read. None by default.
    /// </summary>
    IReadOnlyCollection<Alignment.KeyedExample> Examples => [];
}

/// <summary>
/// Imports actions through the very rules of the forms (<see cref="SaveAction.Check"/>). Every row is checked;
/// rows already in Regia (by <see cref="ImportKey"/>) are updated, or left alone when nothing differs, so a
/// second import of the same file changes nothing. Writes happen in one transaction: a failure, a crash or an
/// all-or-nothing import with a rejected row leaves the database as it was.
/// </summary>
public static class ImportActions
{
    /// <exception cref="ActionForbiddenException">The caller may not import (reviewers and administrators may).</exception>
    public static async Task<ImportReport> RunAsync(RegiaDbContext db, IActionSource source, ImportOptions options, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        if (!db.Caller.IsReviewer)
        {
            throw new ActionForbiddenException("Solo chi valida (revisori e amministratori) può importare azioni.");
        }

        var writes = options.Mode != ImportMode.DryRun;
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = writes ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        var pageCache = writes ? await SqlitePageCache.WidenAsync(db, cancellationToken).ConfigureAwait(false) : null;
        var foreignKeys = writes && options.Exclusive ? await DeferredForeignKeys.DropAsync(db, cancellationToken).ConfigureAwait(false) : null;
        try
        {
            var references = await ActionReferences.LoadAsync(db, null, cancellationToken).ConfigureAwait(false);
            // Actions created by this import have greater ids (the import's transaction holds the ids it reserves).
            var lastBefore = writes ? await db.Actions.MaxAsync(a => (int?)a.Id, cancellationToken).ConfigureAwait(false) ?? 0 : 0;
            var context = new ImportContext(db, references, writes, clock);
            await context.LoadOrganizationsAsync(cancellationToken).ConfigureAwait(false);
            using var run = new Run(db, source, options, clock, context);
            await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            var written = writes && (options.Mode == ImportMode.ValidOnly || run.Rejected == 0);
            if (transaction is not null)
            {
                if (written && options.Alignment is { } model)
                {
                    await Alignment.LearnFromImport.KeepExamplesAsync(db, source, clock, cancellationToken).ConfigureAwait(false);
                    await Alignment.SuggestObjectives.ExecuteAsync(db, model, clock, cancellationToken: cancellationToken, after: lastBefore).ConfigureAwait(false);
                }

                if (written)
                {
                    // The administrators' measure mappings apply to the projects of their measures that arrive later too.
                    await Alignment.MeasureMappings.ApplyAsync(db, db.Actions.Where(a => a.Id > lastBefore), clock, cancellationToken).ConfigureAwait(false);
                }

                if (written)
                {
                    if (foreignKeys is not null)
                    {
                        await foreignKeys.RestoreAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    await PlannerStatistics.RefreshAsync(db, run.Created + run.Updated).ConfigureAwait(false);
                }
                else
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            // The reader and the writer report as they go: in the file's order for whoever reads the report.
            return new ImportReport(options.Mode, run.Created, run.Updated, run.Unchanged, run.Rejected, context.OrganizationsCreated, written, [.. run.Reported.OrderBy(r => r.Row)]);
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.DiscardPendingAudit();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
            if (pageCache is not null)
            {
                await pageCache.RestoreAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// SQLite keeps 2 MB of pages by default; an import that adds rows to a dozen indexes of a large table reads and
    /// rewrites far more than that. The import's connection gets 16 MB while it runs, then its own setting back
    /// (connections are pooled). At a million projects 16 MB imported as fast as 32 MB (36.1 s against 38–43 s) and
    /// kept a second import of the same file under 300 MB (282 MB against 296–307 MB).
    /// </summary>
    private sealed class SqlitePageCache(RegiaDbContext db, long previous)
    {
        private const long ImportKibibytes = 16 * 1024;

        public static async Task<SqlitePageCache?> WidenAsync(RegiaDbContext db, CancellationToken cancellationToken)
        {
            if (!db.Database.IsSqlite())
            {
                return null;
            }

            await using var command = Command(db);
            command.CommandText = "PRAGMA cache_size";
            var previous = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = -{ImportKibibytes}");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new SqlitePageCache(db, previous);
        }

        public async Task RestoreAsync()
        {
            if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
            {
                return;
            }

            await using var command = Command(db);
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {previous}");
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        private static System.Data.Common.DbCommand Command(RegiaDbContext db)
        {
            var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            return command;
        }
    }

    /// <summary>The comment of every audit entry an import writes.</summary>
    public const string ImportComment = "Importazione";

    /// <summary>
    /// One import, in two stages on two threads: a reader reads the file, maps and checks each row and cuts batches;
    /// a writer matches each batch with what Regia holds and writes it. The reader runs ahead by at most
    /// <see cref="BatchesAhead"/> batches, so memory stays flat; only the writer touches the database.
    /// </summary>
    private sealed class Run(RegiaDbContext db, IActionSource source, ImportOptions options, TimeProvider clock, ImportContext context) : IDisposable
    {
        private const int BatchesAhead = 2;

        /// <summary>
        /// A row the reader accepted: what it states, checked, and, when Regia certainly holds no action with its key,
        /// the audit snapshot and the entity of the action it would create (built off the writer's thread).
        /// The fingerprint of what the row states (<see cref="SaveAction.Fingerprint"/>) is made here too, for rows whose
        /// organisations and parent are all known (the writer makes the others' when it needs them).
        /// </summary>
        private readonly record struct Accepted(SourceRow Row, CheckedAction Checked, string? AfterJson, PlanAction? New, long? Fingerprint);

        // The reader's own state.
        private readonly KeyMap seenKeys = new();
        private readonly HashSet<string> pendingExternalIds = new(StringComparer.Ordinal);
        private List<Accepted> batch = [];

        // The writer's own state.
        /// <summary>Action ids by external id, for rows naming their parent (only rows with an external id are kept).</summary>
        private readonly Dictionary<string, int> externalIds = new(StringComparer.Ordinal);
        private int nextPlaceholder = -1;
        private Dictionary<int, ObjectiveReference>? objectivesById;

        // Shared by both: the counts, and the report and rejected-rows file, written one row at a time.
        private readonly SemaphoreSlim reporting = new(1, 1);
        private Func<IEnumerable<string>, Task>? writeRejected;
        private long createdCount;
        private long updatedCount;
        private long unchangedCount;
        private long rejectedCount;
        private int reportedCount;

        public long Created => Interlocked.Read(ref createdCount);
        public long Updated => Interlocked.Read(ref updatedCount);
        public long Unchanged => Interlocked.Read(ref unchangedCount);
        public long Rejected => Interlocked.Read(ref rejectedCount);
        public List<RowResult> Reported { get; } = [];

        private long Rows => Created + Updated + Unchanged + Rejected;

        public void Dispose()
        {
            reporting.Dispose();
            statements.Dispose();
        }

        /// <summary>The writer's SQLite statements, prepared once for the whole import.</summary>
        private readonly BulkInsert.Session statements = new();

        /// <summary>All-or-nothing stops writing at the first rejected row (the transaction will be rolled back) but keeps checking.</summary>
        private bool Writing => context.Writes && (options.Mode == ImportMode.ValidOnly || Rejected == 0);

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            var rejectedWriter = options.RejectedRows is { } stream ? new TabularExport.CsvRowWriter(stream) : null;
            if (rejectedWriter is not null)
            {
                await rejectedWriter.WriteRawAsync(source.Headers.Append("riga").Append("errori")).ConfigureAwait(false);
                writeRejected = rejectedWriter.WriteRawAsync;
            }

            // Read before the reader starts; both stages then only look them up (never while they are written).
            var known = knownKeys = await KnownKeys.ReadAsync(db, cancellationToken).ConfigureAwait(false);
            var batches = Channel.CreateBounded<List<Accepted>>(new BoundedChannelOptions(BatchesAhead) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reader = Task.Run(() => ReadAsync(batches.Writer, known, stop.Token), stop.Token);
            try
            {
                await foreach (var next in batches.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    await FlushAsync(next, cancellationToken).ConfigureAwait(false);
                }

                await reader.ConfigureAwait(false);
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await reader.ConfigureAwait(false);
                }
                catch (Exception) when (!reader.IsFaulted)
                {
                    // Cancelled because the writer failed: the writer's exception is the one to report.
                }

                throw;
            }
            finally
            {
                if (rejectedWriter is not null)
                {
                    await rejectedWriter.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        /// <summary>The reader: every row of the file, mapped and checked, in batches to the writer.</summary>
        private async Task ReadAsync(ChannelWriter<List<Accepted>> output, KnownKeys known, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var row in source.ReadAsync(context, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await TakeAsync(row, output, known, cancellationToken).ConfigureAwait(false);
                    if (batch.Count >= options.BatchSize)
                    {
                        await SendAsync(output, cancellationToken).ConfigureAwait(false);
                    }
                }

                await SendAsync(output, cancellationToken).ConfigureAwait(false);
                output.Complete();
            }
            catch (Exception exception)
            {
                output.TryComplete(exception);
                throw;
            }
        }

        private async Task SendAsync(ChannelWriter<List<Accepted>> output, CancellationToken cancellationToken)
        {
            if (batch.Count == 0)
            {
                return;
            }

            await output.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            batch = new List<Accepted>(options.BatchSize);
            pendingExternalIds.Clear();
        }

        private async Task TakeAsync(SourceRow row, ChannelWriter<List<Accepted>> output, KnownKeys known, CancellationToken cancellationToken)
        {
            var errors = new List<CellError>(row.Errors);
            CheckedAction? valid = null;
            if (row.Input is { } input)
            {
                var checkedAction = SaveAction.Check(input, context.References);
                errors.AddRange(checkedAction.Errors.SelectMany(e => e.Value.Select(m => new CellError(source.ColumnOf(e.Key), m))));
                valid = checkedAction;
            }

            if (row.Key.IsEmpty)
            {
                errors.Add(new CellError(source.ColumnOf("key"), "La riga non ha una chiave (id, CUP o codice locale) con cui riconoscerla a una nuova importazione."));
            }
            else
            {
                var hash = KeyHash.Of(row.Key.ToString());
                if (!seenKeys.TryAdd(hash, row.Row, out var first))
                {
                    errors.Add(new CellError(source.ColumnOf("key"), $"La chiave «{row.Key}» compare già alla riga {first}: ogni azione va una volta sola nel file."));
                }
            }

            if (errors.Count > 0 || valid is null)
            {
                await RejectAsync(row, errors, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (row.ParentKey is { } parentKey && pendingExternalIds.Contains(parentKey))
            {
                // The parent waits in this batch: send it to be written first, so that the child can name its id.
                await SendAsync(output, cancellationToken).ConfigureAwait(false);
            }

            // The audit snapshot of a new action is made here, off the writer's thread, for rows whose key Regia certainly
            // does not hold yet (a row that may update an action, or names its parent by external key, is the writer's).
            var after = context.Writes && row.ParentKey is null && !known.MayHold(row.Key) ? ActionSnapshot.JsonOf(valid.Stored, context.References) : null;
            var fingerprint = row.ParentKey is null && valid.Input.LeadOrganizationId >= 0 && valid.Input.Partners.All(p => p.OrganizationId >= 0)
                ? SaveAction.Fingerprint(valid)
                : (long?)null;
            batch.Add(new Accepted(row, valid, after, after is not null && options.BulkCreate ? SaveAction.New(valid) : null, fingerprint));
            if (valid.Input.ExternalId is { } external)
            {
                pendingExternalIds.Add(external.Trim());
            }
        }

        private async Task RejectAsync(SourceRow row, IReadOnlyList<CellError> errors, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref rejectedCount);
            await reporting.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (writeRejected is not null)
                {
                    var text = string.Join("; ", errors.Select(e => $"{e.Column}: {e.Message}"));
                    await writeRejected(row.Cells.Append(row.Row.ToString(CultureInfo.InvariantCulture)).Append(TabularExport.Neutralise(text))).ConfigureAwait(false);
                }

                await ReportLockedAsync(new RowResult(row.Row, row.Key.ToString(), row.Label, RowOutcome.Rejected, null, errors)).ConfigureAwait(false);
            }
            finally
            {
                reporting.Release();
            }
        }

        private async Task ReportLockedAsync(RowResult result)
        {
            if (Reported.Count < options.ReportedRows)
            {
                Reported.Add(result);
                Volatile.Write(ref reportedCount, Reported.Count);
            }

            if (options.OnRow is { } onRow)
            {
                await onRow(result).ConfigureAwait(false);
            }
        }

        /// <summary>The writer: one batch matched with what Regia holds, then written (in a dry run, only matched).</summary>
        private async Task FlushAsync(List<Accepted> batch, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Writing || !context.Writes)
            {
                await context.CreateOrganizationsAsync(batch.SelectMany(b => b.Checked.Input.Partners.Select(p => p.OrganizationId).Append(b.Checked.Input.LeadOrganizationId)), cancellationToken).ConfigureAwait(false);
            }

            var (matched, whole) = await ExistingAsync(batch, cancellationToken).ConfigureAwait(false);
            await ResolveParentsAsync(batch, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow().UtcDateTime;
            var results = new List<(RowResult Result, PlanAction? Action)>();
            // Past the report's length, with no one taking every row, a written row's result would be dropped: not made.
            // (The count only grows, and the reader adds to it under the lock, so a stale read errs on making it.)
            var wanted = options.OnRow is not null || Volatile.Read(ref reportedCount) < options.ReportedRows;
            for (var index = 0; index < batch.Count; index++)
            {
                var (row, checkedRow, afterJson, built, fingerprint) = batch[index];
                var valid = WithOrganizations(checkedRow);
                var stored = matched[index];
                if (stored is not null && !whole.ContainsKey(stored.Id))
                {
                    // The row states what the last import wrote, and nothing has changed the action since.
                    Interlocked.Increment(ref unchangedCount);
                    if (wanted)
                    {
                        results.Add((new RowResult(row.Row, row.Key.ToString(), row.Label, RowOutcome.Unchanged, stored.Id, []), null));
                    }

                    Remember(valid.Input.ExternalId, () => stored.Id);
                    continue;
                }

                var action = stored is null ? null : whole[stored.Id];
                if (action is not null && !row.StatesObjectives)
                {
                    valid = KeepObjectives(valid, action);
                }

                if (row.ParentKey is { } parentKey)
                {
                    if (!externalIds.TryGetValue(parentKey, out var parentId) || parentId == action?.Id)
                    {
                        await RejectAsync(row, [new CellError(source.ColumnOf("parentId"), parentId == action?.Id && action is not null ? "Un'azione non può essere parte di sé stessa." : $"L'azione «{parentKey}» di cui questa è parte non è né in Regia né prima nel file.")], cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    valid = valid with { Input = valid.Input with { ParentId = parentId } };
                }

                if (action is null)
                {
                    if (row.Key.Id is { } missing)
                    {
                        await RejectAsync(row, [new CellError(source.ColumnOf("id"), $"L'azione {missing} non esiste in Regia: per crearne una nuova lasciare vuota la colonna.")], cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    Interlocked.Increment(ref createdCount);
                    PlanAction? created = null;
                    if (Writing)
                    {
                        if (built is not null)
                        {
                            created = built;
                            WithOrganizations(created, valid.Input);
                        }
                        else
                        {
                            created = new PlanAction { Title = valid.Input.Title };
                            SaveAction.Apply(db, created, valid);
                        }

                        (created.CreatedAtUtc, created.UpdatedAtUtc, created.Version) = (now, now, 1);
                        created.ImportFingerprint = ActionFingerprint.At(fingerprint ?? SaveAction.Fingerprint(valid), created.Version);
                        if (options.BulkCreate)
                        {
                            // The reader's snapshot holds: an organisation created since is named as its placeholder was.
                            bulk.Add((created, afterJson ?? ActionSnapshot.JsonOf(valid.Stored, context.References)));
                        }
                        else
                        {
                            var tracked = created;
                            db.Actions.Add(tracked);
                            db.Audit(new AuditRecord("action", () => tracked.Id.ToString(CultureInfo.InvariantCulture), "create", now)
                            {
                                After = ActionSnapshot.Of(valid.Stored, context.References),
                                Comment = ImportComment,
                                Version = () => 1,
                                IsPublic = tracked.Publication == PublicationState.Published,
                            });
                        }
                    }

                    if (wanted)
                    {
                        results.Add((new RowResult(row.Row, row.Key.ToString(), row.Label, RowOutcome.Created, null, []), created));
                    }
                    Remember(valid.Input.ExternalId, () => created?.Id ?? nextPlaceholder--);
                }
                else if (!SaveAction.Differs(action, valid))
                {
                    Interlocked.Increment(ref unchangedCount);
                    var kept = ActionFingerprint.At(fingerprint ?? SaveAction.Fingerprint(valid), action.Version);
                    if (Writing && action.ImportFingerprint != kept)
                    {
                        // Made before fingerprints, or changed and changed back since: the next import need not read it.
                        fingerprints.Add((action.Id, action.Version, kept));
                    }

                    if (wanted)
                    {
                        results.Add((new RowResult(row.Row, row.Key.ToString(), row.Label, RowOutcome.Unchanged, action.Id, []), null));
                    }
                    Remember(valid.Input.ExternalId, () => action.Id);
                }
                else if (row.ExpectedVersion is { } expected && expected != action.Version)
                {
                    await RejectAsync(row, [new CellError(source.ColumnOf("version"), $"L'azione {action.Id} è stata modificata in Regia dopo l'esportazione (ora è alla versione {action.Version}, il file alla {expected}): esportarla di nuovo e ripetere la modifica.")], cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    Interlocked.Increment(ref updatedCount);
                    if (Writing)
                    {
                        updates.Add((action, valid, fingerprint));
                    }

                    if (wanted)
                    {
                        results.Add((new RowResult(row.Row, row.Key.ToString(), row.Label, RowOutcome.Updated, action.Id, []), null));
                    }
                    Remember(valid.Input.ExternalId, () => action.Id);
                }
            }

            if (Writing)
            {
                await ApplyUpdatesAsync(now, cancellationToken).ConfigureAwait(false);
                await WriteCreatedAsync(now, cancellationToken).ConfigureAwait(false);
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await KeepFingerprintsAsync(cancellationToken).ConfigureAwait(false);
            }

            bulk.Clear();

            db.ChangeTracker.Clear();
            foreach (var (external, id) in remembered)
            {
                externalIds[external] = id();
            }

            remembered.Clear();
            await reporting.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var (result, action) in results)
                {
                    await ReportLockedAsync(action is null ? result : result with { ActionId = action.Id }).ConfigureAwait(false);
                }
            }
            finally
            {
                reporting.Release();
            }

            options.Progress?.Report(new ImportProgress(Rows, Created, Updated, Unchanged, Rejected, source.Fraction));
        }

        /// <summary>The reader's entity with the ids of the organisations created since (it named their placeholders).</summary>
        private static void WithOrganizations(PlanAction action, ActionInput resolved)
        {
            action.LeadOrganizationId = resolved.LeadOrganizationId;
            for (var i = 0; i < action.Partners.Count; i++)
            {
                action.Partners[i].OrganizationId = resolved.Partners[i].OrganizationId;
            }
        }

        /// <summary>The input with the ids of the organisations created for it (the reader handed out placeholders).</summary>
        private CheckedAction WithOrganizations(CheckedAction valid)
        {
            var input = valid.Input;
            if (input.LeadOrganizationId >= 0 && input.Partners.All(p => p.OrganizationId >= 0))
            {
                return valid;
            }

            return valid with
            {
                Input = input with
                {
                    LeadOrganizationId = context.Resolve(input.LeadOrganizationId),
                    Partners = [.. input.Partners.Select(p => p with { OrganizationId = context.Resolve(p.OrganizationId) })],
                },
            };
        }

        /// <summary>The batch's new actions with their audit snapshot, written in bulk.</summary>
        private readonly List<(PlanAction Action, string AfterJson)> bulk = [];

        /// <summary>
        /// The row, with the objectives people linked to the action in Regia when the row states none (and the mission
        /// they give): what the file does not say, an import does not take away.
        /// </summary>
        private CheckedAction KeepObjectives(CheckedAction valid, PlanAction action)
        {
            if (action.Objectives.Count == 0 && valid.Input.MissionPending && action.MissionId is { } stated
                && context.References.Missions.FirstOrDefault(m => m.Value == stated) is { Key: > 0 } mission)
            {
                // The row leaves the mission to the engine; someone stated it in Regia since.
                return valid with { Input = valid.Input with { Mission = mission.Key, MissionPending = false }, MissionId = stated };
            }

            if (action.Objectives.Count == 0 || valid.Input.PrimaryObjective is { Length: > 0 } || valid.Input.SecondaryObjectives.Count > 0)
            {
                return valid;
            }

            objectivesById ??= context.References.Objectives.Values.ToDictionary(o => o.Id);
            var linked = action.Objectives.OrderByDescending(o => o.IsPrimary).ThenBy(o => o.Id).ToList();
            if (!linked[0].IsPrimary || linked.Any(o => !objectivesById.ContainsKey(o.ObjectiveId)))
            {
                return valid;
            }

            List<ObjectiveReference> objectives = [.. linked.Select(o => objectivesById[o.ObjectiveId])];
            return valid with
            {
                Input = valid.Input with { PrimaryObjective = objectives[0].Code, SecondaryObjectives = [.. objectives.Skip(1).Select(o => o.Code)], Mission = null },
                Objectives = objectives,
                MissionId = objectives[0].MissionId,
            };
        }

        /// <summary>
        /// Writes the batch's new actions, what they own and their audit entries with <see cref="BulkInsert"/>: the
        /// same rows, values and trail as the change tracker would write, without its cost per entity.
        /// </summary>
        private async Task WriteCreatedAsync(DateTime now, CancellationToken cancellationToken)
        {
            if (bulk.Count == 0)
            {
                return;
            }

            var actions = bulk.Select(b => b.Action).ToList();
            var nextId = await BulkInsert.ReserveIdsAsync<PlanAction>(db, actions.Count, cancellationToken).ConfigureAwait(false);
            foreach (var action in actions)
            {
                action.Id = checked((int)nextId++);
            }

            // What the actions own, and their audit entries, are referenced by nobody: the database numbers them as it
            // writes them (in the order given, as the change tracker would), with no ids to reserve first.
            var childWrites = new List<Func<Task>>();
            void Children<TChild>(Func<PlanAction, List<TChild>> of, Action<TChild, int> setAction)
                where TChild : class
            {
                var children = new List<TChild>();
                foreach (var action in actions)
                {
                    foreach (var child in of(action))
                    {
                        setAction(child, action.Id);
                        children.Add(child);
                    }
                }

                childWrites.Add(() => BulkInsert.WriteAsync(db, children, statements, cancellationToken, generatedKey: true));
            }

            Children(a => a.Objectives, (c, action) => c.ActionId = action);
            Children(a => a.Places, (c, action) => c.ActionId = action);
            Children(a => a.Funding, (c, action) => c.ActionId = action);
            Children(a => a.Partners, (c, action) => c.ActionId = action);
            Children(a => a.Milestones, (c, action) => c.ActionId = action);
            var caller = db.Caller;
            var entries = bulk.Select(b => new AuditEntry
            {
                AtUtc = now,
                UserId = caller.UserId,
                ActorName = caller.Name,
                ActorOrganization = caller.OrganizationName,
                Channel = caller.Channel,
                EntityType = "action",
                EntityId = b.Action.Id.ToString(CultureInfo.InvariantCulture),
                Operation = "create",
                After = b.AfterJson,
                Comment = ImportComment,
                Version = 1,
                IsPublic = b.Action.Publication == PublicationState.Published,
            }).ToList();

            // Parents before children: PostgreSQL checks each row's foreign keys as it is copied.
            await BulkInsert.WriteAsync(db, actions, statements, cancellationToken).ConfigureAwait(false);
            foreach (var write in childWrites)
            {
                await write().ConfigureAwait(false);
            }

            await BulkInsert.WriteAsync(db, entries, statements, cancellationToken, generatedKey: true).ConfigureAwait(false);
        }

        /// <summary>Ids are read after the batch is saved (created actions have them only then).</summary>
        private readonly List<(string External, Func<int> Id)> remembered = [];

        private void Remember(string? external, Func<int> id)
        {
            if (!string.IsNullOrWhiteSpace(external))
            {
                remembered.Add((external.Trim(), id));
            }
        }

        /// <summary>The ids of the parents the batch's rows name and Regia already holds (earlier batches are remembered).</summary>
        private async Task ResolveParentsAsync(List<Accepted> batch, CancellationToken cancellationToken)
        {
            var unknown = batch.Select(b => b.Row.ParentKey).OfType<string>().Where(k => !externalIds.ContainsKey(k)).Distinct().ToList();
            if (unknown.Count == 0)
            {
                return;
            }

            var found = await db.Actions.AsNoTracking().Where(a => a.ExternalId != null && EF.Parameter(unknown).Contains(a.ExternalId)).Select(a => new { a.Id, a.ExternalId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var parent in found)
            {
                externalIds[parent.ExternalId!] = parent.Id;
            }
        }

        /// <summary>The batch's actions to update, whole as read, with the checked row and its fingerprint.</summary>
        private readonly List<(PlanAction Action, CheckedAction Valid, long? Fingerprint)> updates = [];

        /// <summary>
        /// Writes the batch's updates onto their actions, each with its audit entry. The "before" of every entry is
        /// read for the whole batch in one set of queries and named from the import's references: read one action at
        /// a time (and its references with it), 20,000 updates took 88 s on SQLite.
        /// </summary>
        private async Task ApplyUpdatesAsync(DateTime now, CancellationToken cancellationToken)
        {
            if (updates.Count == 0)
            {
                return;
            }

            var befores = await ActionSnapshot.InputsOfAsync(db, [.. updates.Select(u => u.Action.Id)], cancellationToken).ConfigureAwait(false);
            foreach (var (action, valid, fingerprint) in updates)
            {
                db.Attach(action);
                var before = ActionSnapshot.Of(befores[action.Id], context.References);
                var wasPublished = action.Publication == PublicationState.Published;
                SaveAction.Apply(db, action, valid);
                action.Version++;
                action.UpdatedAtUtc = now;
                action.ImportFingerprint = ActionFingerprint.At(fingerprint ?? SaveAction.Fingerprint(valid), action.Version);
                var updated = action;
                db.Audit(new AuditRecord("action", () => updated.Id.ToString(CultureInfo.InvariantCulture), "update", now)
                {
                    Before = before,
                    After = ActionSnapshot.Of(valid.Stored, context.References),
                    Comment = ImportComment,
                    Version = () => updated.Version,
                    IsPublic = wasPublished || updated.Publication == PublicationState.Published,
                });
            }

            updates.Clear();
        }

        /// <summary>Unchanged actions whose kept fingerprint is missing or stale: id, version compared, fingerprint at it.</summary>
        private readonly List<(int Id, int Version, long Fingerprint)> fingerprints = [];

        /// <summary>
        /// Keeps the fingerprints of unchanged actions, in one statement per batch. Not a change to the action (its
        /// content, version and history stay as they are), so not audited; an action changed since it was compared
        /// (its version moved) is left without, and is compared whole next time.
        /// </summary>
        private async Task KeepFingerprintsAsync(CancellationToken cancellationToken)
        {
            if (fingerprints.Count == 0)
            {
                return;
            }

            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync(
                    """UPDATE "Actions" AS a SET "ImportFingerprint" = s.fingerprint FROM unnest(@ids, @versions, @fingerprints) AS s(id, version, fingerprint) WHERE a."Id" = s.id AND a."Version" = s.version""",
                    [new NpgsqlParameter("ids", fingerprints.Select(f => f.Id).ToArray()), new NpgsqlParameter("versions", fingerprints.Select(f => f.Version).ToArray()), new NpgsqlParameter("fingerprints", fingerprints.Select(f => f.Fingerprint).ToArray())],
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // SQLite reads 64-bit integers out of JSON exactly.
                var rows = "[" + string.Join(',', fingerprints.Select(f => string.Create(CultureInfo.InvariantCulture, $"[{f.Id},{f.Version},{f.Fingerprint}]"))) + "]";
                await db.Database.ExecuteSqlRawAsync(
                    """UPDATE "Actions" AS a SET "ImportFingerprint" = s.fingerprint FROM (SELECT value ->> 0 AS id, value ->> 1 AS version, value ->> 2 AS fingerprint FROM json_each(@rows)) AS s WHERE a."Id" = s.id AND a."Version" = s.version""",
                    [new SqliteParameter("rows", rows)],
                    cancellationToken).ConfigureAwait(false);
            }

            fingerprints.Clear();
        }

        /// <summary>An action's keys, version and import fingerprint: enough to match a row and, often, to know it unchanged.</summary>
        private sealed record StoredKey(int Id, string? ExternalId, string? Cup, string? LocalProjectCode, int Version, long? ImportFingerprint);

        /// <summary>
        /// The action each row of the batch names (null: none), and, whole with what they own, those that must be
        /// compared with their row: an action whose import fingerprint matches its row's is known unchanged unread.
        /// </summary>
        private async Task<(StoredKey?[] Matched, Dictionary<int, PlanAction> Whole)> ExistingAsync(List<Accepted> batch, CancellationToken cancellationToken)
        {
            var matched = new StoredKey?[batch.Count];
            var known = knownKeys!;
            var keys = batch.Select(b => b.Row.Key).ToList();
            var ids = keys.Select(k => k.Id).OfType<int>().ToList();
            // Only keys Regia may hold are looked up: a file of new projects costs no query at all.
            var external = keys.Select(k => k.ExternalId).OfType<string>().Where(known.MayHoldExternal).ToList();
            var cups = keys.Where(k => k.Id is null && k.ExternalId is null).Select(k => Cup.Normalize(k.Cup)).OfType<string>().Where(known.MayHoldCup).ToList();
            var local = keys.Where(k => k.Id is null && k.ExternalId is null && k.Cup is null).Select(k => k.LocalProjectCode).OfType<string>().Where(known.MayHoldLocalCode).ToList();
            if (ids.Count + external.Count + cups.Count + local.Count == 0)
            {
                return (matched, []);
            }

            // One index-friendly query per kind of key (an OR across columns would scan the table), reading only keys.
            // Each list goes as one parameter (EF.Parameter): EF 10 would otherwise write hundreds of parameters into
            // the SQL and, on SQLite, spend tens of milliseconds naming them at every batch.
            var actions = db.Actions.AsNoTracking();
            var found = new List<StoredKey>();
            async Task ReadAsync(IQueryable<PlanAction> query) => found.AddRange(await query
                .Select(a => new StoredKey(a.Id, a.ExternalId, a.Cup, a.LocalProjectCode, a.Version, a.ImportFingerprint))
                .ToListAsync(cancellationToken).ConfigureAwait(false));
            if (ids.Count > 0)
            {
                await ReadAsync(actions.Where(a => EF.Parameter(ids).Contains(a.Id))).ConfigureAwait(false);
            }

            if (external.Count > 0)
            {
                await ReadAsync(actions.Where(a => a.ExternalId != null && EF.Parameter(external).Contains(a.ExternalId))).ConfigureAwait(false);
            }

            if (cups.Count > 0)
            {
                await ReadAsync(actions.Where(a => a.Cup != null && EF.Parameter(cups).Contains(a.Cup))).ConfigureAwait(false);
            }

            if (local.Count > 0)
            {
                await ReadAsync(actions.Where(a => a.Cup == null && a.LocalProjectCode != null && EF.Parameter(local).Contains(a.LocalProjectCode))).ConfigureAwait(false);
            }

            var index = new StoredKeys(found);
            var compare = new List<int>();
            for (var i = 0; i < batch.Count; i++)
            {
                var stored = matched[i] = index.Match(batch[i].Row.Key);
                if (stored is not null
                    && (batch[i].Fingerprint is not { } fingerprint || stored.ImportFingerprint != ActionFingerprint.At(fingerprint, stored.Version)))
                {
                    compare.Add(stored.Id);
                }
            }

            if (compare.Count == 0)
            {
                return (matched, []);
            }

            // Read without tracking: of the actions compared, most are unchanged, and only a changed one is attached.
            var whole = await actions
                .Include(a => a.Objectives).Include(a => a.Partners).Include(a => a.Places).Include(a => a.Funding).Include(a => a.Milestones)
                .Where(a => EF.Parameter(compare).Contains(a.Id))
                .AsSplitQuery()
                .ToDictionaryAsync(a => a.Id, cancellationToken).ConfigureAwait(false);
            return (matched, whole);
        }

        /// <summary>The batch's stored actions by each kind of key, matched as a row names them (an id, an external id, a CUP and local code).</summary>
        private sealed class StoredKeys
        {
            private readonly Dictionary<int, StoredKey> byId = [];
            private readonly Dictionary<string, StoredKey> byExternalId = new(StringComparer.Ordinal);
            private readonly Dictionary<string, List<StoredKey>> byCup = new(StringComparer.Ordinal);
            private readonly Dictionary<string, StoredKey> byLocalCodeAlone = new(StringComparer.Ordinal);

            public StoredKeys(IEnumerable<StoredKey> found)
            {
                // In id order, so that where several actions share a CUP the first made is the one matched, as before.
                foreach (var stored in found.DistinctBy(s => s.Id).OrderBy(s => s.Id))
                {
                    byId[stored.Id] = stored;
                    if (stored.ExternalId is { } externalId)
                    {
                        byExternalId.TryAdd(externalId, stored);
                    }

                    if (stored.Cup is { } cup)
                    {
                        (byCup.TryGetValue(cup, out var list) ? list : byCup[cup] = []).Add(stored);
                    }
                    else if (stored.LocalProjectCode is { } localCode)
                    {
                        byLocalCodeAlone.TryAdd(localCode, stored);
                    }
                }
            }

            public StoredKey? Match(ImportKey key)
            {
                if (key.Id is { } id)
                {
                    return byId.GetValueOrDefault(id);
                }

                if (key.ExternalId is { } external)
                {
                    return byExternalId.GetValueOrDefault(external);
                }

                var cup = Cup.Normalize(key.Cup);
                if (cup is null)
                {
                    return key.LocalProjectCode is { } localCode ? byLocalCodeAlone.GetValueOrDefault(localCode) : null;
                }

                return byCup.TryGetValue(cup, out var sharing)
                    ? sharing.Find(s => key.LocalProjectCode is null || s.LocalProjectCode == key.LocalProjectCode)
                    : null;
            }
        }

        /// <summary>The keys of the actions Regia held when the import began (the file's own keys are checked apart).</summary>
        private KnownKeys? knownKeys;

        /// <summary>
        /// The keys of the actions already in Regia, as 64-bit hashes (about 25 MB for a million actions): a key not
        /// among them is certainly new, a key among them is looked up (a rare false positive costs only a query).
        /// </summary>
        private sealed class KnownKeys
        {
            private readonly KeyMap external = new();
            private readonly KeyMap cups = new();
            private readonly KeyMap localCodes = new();

            public static async Task<KnownKeys> ReadAsync(RegiaDbContext db, CancellationToken cancellationToken)
            {
                var keys = new KnownKeys();
                var rows = db.Actions.AsNoTracking().Select(a => new { a.ExternalId, a.Cup, a.LocalProjectCode }).AsAsyncEnumerable();
                await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    keys.Add(row.ExternalId, row.Cup, row.LocalProjectCode);
                }

                return keys;
            }

            public void Add(string? externalId, string? cup, string? localCode)
            {
                if (externalId is not null)
                {
                    external.Set(KeyHash.Of(externalId), 0);
                }

                if (cup is not null)
                {
                    cups.Set(KeyHash.Of(cup), 0);
                }
                else if (localCode is not null)
                {
                    localCodes.Set(KeyHash.Of(localCode), 0);
                }
            }

            /// <summary>Whether an action with this key may already be in Regia (an id always may).</summary>
            public bool MayHold(ImportKey key) =>
                key.Id is not null
                || (key.ExternalId is { } externalId ? MayHoldExternal(externalId)
                : Cup.Normalize(key.Cup) is { } cup ? MayHoldCup(cup)
                : key.LocalProjectCode is { } local && MayHoldLocalCode(local));

            public bool MayHoldExternal(string key) => external.Contains(KeyHash.Of(key));

            public bool MayHoldCup(string key) => cups.Contains(KeyHash.Of(key));

            public bool MayHoldLocalCode(string key) => localCodes.Contains(KeyHash.Of(key));
        }
    }
}

/// <summary>How every format reads a text cell, so that formulas never enter Regia and its own exports read back.</summary>
public static class ImportCells
{
    /// <summary>
    /// The cell's text, trimmed. A cell Regia's export neutralised (<c>'=…</c>) loses its apostrophe; a cell that
    /// is a spreadsheet formula (<c>=</c>, <c>+</c>, <c>@</c>, or <c>-</c> not followed by a number) is refused: a
    /// formula is not data, and copied into a report it could run in someone else's spreadsheet.
    /// </summary>
    public static string Text(string raw, string column, ICollection<CellError> errors)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(errors);
        var text = raw.Trim();
        if (text.Length > 1 && text[0] == '\'' && text[1] is '=' or '+' or '-' or '@')
        {
            return text[1..];
        }

        if (text.Length > 0 && (text[0] is '=' or '+' or '@' || (text[0] == '-' && (text.Length == 1 || !char.IsAsciiDigit(text[1])) && text != "-")))
        {
            errors.Add(new CellError(column, $"la cella contiene una formula («{Truncate(text)}»): scrivere il valore, non la formula."));
            return string.Empty;
        }

        return text;
    }

    /// <summary>A cell's text as an error message quotes it: at most 40 characters.</summary>
    internal static string Truncate(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
