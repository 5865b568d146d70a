using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;
using Regia.Core.Alignment;
using Regia.Core.Auditing;
using Regia.Core.Common;
using Regia.Core.Importing;

namespace Regia.Core.Funding;

/// <summary>An interest that cannot be marked as asked; the message says why, in Italian. Nothing was written.</summary>
public sealed class FundingCallException(string field, string message, bool conflict = false) : OperationRefusedException(field, message, conflict);

/// <summary>Which calls to list: open on a day, closing within days of it, of a PNRR mission or measure, by words of the title or applicants.</summary>
public sealed record FundingCallFilter(bool OpenOnly = false, string? Measure = null, int? Mission = null, string? Search = null);

/// <summary>A call as lists show it, with how many organisations marked interest and the plan's objectives its measure is linked to.</summary>
public sealed record FundingCallSummary(
    int Id,
    string Key,
    FundingCallOrigin Origin,
    string Title,
    string Funder,
    string Programme,
    string? Measure,
    decimal? AmountTotal,
    decimal? AmountPnrr,
    DateOnly? OpensOn,
    DateOnly? ClosesOn,
    bool UntilFundsRunOut,
    string? SourceState,
    string? Applicants,
    string? Url,
    int Interested);

/// <summary>An organisation interested in a call, with its note.</summary>
public sealed record InterestView(int OrganizationId, string Organization, string? Note, DateTime MarkedAtUtc);

/// <summary>One call with its linked objectives and, for staff, the organisations interested (partners to bring together).</summary>
public sealed record FundingCallDetail(FundingCallSummary Call, IReadOnlyList<string> Objectives, IReadOnlyList<InterestView> Interests, bool CallerInterested);

/// <summary>
/// The register of calls for funding. The PNRR's calls and notices (Italia Domani) are loaded from the file shipped
/// with Regia; organisations mark their interest, so that the planning office sees who could apply together. Who may
/// do what: everyone reads the register and how many are interested; editors mark or withdraw their organisation's
/// interest; staff see which organisations are interested.
/// </summary>
public static class FundingCalls
{
    /// <summary>The PNRR register shipped with Regia (see <c>data/SOURCES.md</c>).</summary>
    public const string PnrrFile = "PNRR_Bandi_e_Avvisi.csv.gz";

    private const string DatasetKey = "pnrr-calls";

    /// <summary>Bumped when the loader reads the file differently, so that the next start reloads it.</summary>
    private const int LoaderVersion = 1;

    private static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");

    private static readonly string[] Columns =
    [
        "Codice Univoco Submisura", "Descrizione Submisura", "Numero seriale", "Titolo Bando o Avviso", "Soggetto emanante", "Codice Fiscale",
        "Importo complessivo gara", "Importo previsto PNRR", "Importo previsto altri fondi", "Data apertura bando", "Data chiusura effettiva bando",
        "Fino ad esaurimento risorse", "Stato del Bando", "Link al bando", "Destinatari del Bando o dell’Avviso", "Data aggiornamento-osservazione bandi",
    ];

    /// <summary>
    /// Loads the PNRR's calls, once per version of the shipped file: each call by its serial number, created or brought
    /// up to date; interests already marked are kept. A row that cannot be read refuses the whole file, with its row.
    /// </summary>
    /// <returns>How many calls were created or updated (0 when the file was already loaded).</returns>
    public static async Task<int> LoadPnrrAsync(RegiaDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(EmbeddedFiles.Hash(PnrrFile) + "/" + LoaderVersion.ToString(CultureInfo.InvariantCulture))));
        var dataset = await db.LoadedDatasets.SingleOrDefaultAsync(d => d.Key == DatasetKey, cancellationToken).ConfigureAwait(false);
        if (dataset?.ContentHash == hash)
        {
            return 0;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await db.FundingCalls.Where(c => c.Origin == FundingCallOrigin.Pnrr).ToDictionaryAsync(c => c.Key, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var file = await EmbeddedFiles.OpenAsync(PnrrFile, cancellationToken).ConfigureAwait(false))
        {
            var at = file.RequireColumns(Columns);
            string Cell(TabularRow row, string column) => row.Cell(at[column]).Trim();
            await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
            {
                var serial = Cell(row, "Numero seriale");
                if (!int.TryParse(serial, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw new TabularFileException(row.Number, $"il numero seriale «{serial}» non è un numero.");
                }

                var key = "pnrr-" + serial;
                if (!seen.Add(key))
                {
                    throw new TabularFileException(row.Number, $"il numero seriale {serial} compare due volte.");
                }

                if (!existing.TryGetValue(key, out var call))
                {
                    call = new FundingCall { Key = key, Origin = FundingCallOrigin.Pnrr, Title = "", Funder = "", Programme = "" };
                    db.FundingCalls.Add(call);
                }

                var subMeasure = Cell(row, "Codice Univoco Submisura");
                var measure = MeasureOf(subMeasure);
                var description = Cell(row, "Descrizione Submisura");
                call.Title = Cell(row, "Titolo Bando o Avviso") is { Length: > 0 } title ? title : throw new TabularFileException(row.Number, "manca il titolo del bando.");
                call.Funder = Cell(row, "Soggetto emanante") is { Length: > 0 } funder ? funder : "—";
                call.FunderTaxCode = Cell(row, "Codice Fiscale") is { Length: > 0 and <= 16 } taxCode ? taxCode : null;
                call.SubMeasure = subMeasure.Length is > 0 and <= 32 ? subMeasure : null;
                call.Measure = measure;
                call.Programme = string.Join(" · ", new[] { "PNRR", measure, description }.Where(p => !string.IsNullOrEmpty(p)));
                call.AmountTotal = Amount(row, Cell(row, "Importo complessivo gara"));
                call.AmountPnrr = Amount(row, Cell(row, "Importo previsto PNRR"));
                call.AmountOther = Amount(row, Cell(row, "Importo previsto altri fondi"));
                call.OpensOn = Day(row, Cell(row, "Data apertura bando"));
                call.ClosesOn = Day(row, Cell(row, "Data chiusura effettiva bando"));
                call.UntilFundsRunOut = Cell(row, "Fino ad esaurimento risorse").Equals("SI", StringComparison.OrdinalIgnoreCase);
                // "In corso" and "In Corso" are one state.
                call.SourceState = Cell(row, "Stato del Bando").ToLower(Italian) is { Length: > 0 } state ? char.ToUpper(state[0], Italian) + state[1..] : null;
                call.Applicants = Cell(row, "Destinatari del Bando o dell’Avviso") is { Length: > 0 } applicants ? applicants : null;
                call.Url = Cell(row, "Link al bando") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? url : null;
                call.ObservedOn = Day(row, Cell(row, "Data aggiornamento-osservazione bandi"));
                call.UpdatedAtUtc = now;
            }
        }

        if (dataset is null)
        {
            dataset = new LoadedDataset { Key = DatasetKey, ContentHash = hash };
            db.LoadedDatasets.Add(dataset);
        }

        dataset.ContentHash = hash;
        dataset.LoadedAtUtc = now;
        db.Audit(new AuditRecord("funding-calls", () => DatasetKey, "load", now)
        {
            After = new { calls = seen.Count, created = seen.Count(k => !existing.ContainsKey(k)) },
            Comment = "Bandi e avvisi del PNRR dai dati di Italia Domani forniti con Regia.",
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return seen.Count;
    }

    /// <summary>The calls that pass the filter: open ones on <paramref name="today"/> first (closing soonest first), then the others, latest closing first.</summary>
    public static async Task<IReadOnlyList<FundingCallSummary>> ListAsync(RegiaDbContext db, DateOnly today, FundingCallFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        filter ??= new FundingCallFilter();
        var query = db.FundingCalls.AsNoTracking();
        if (PnrrMeasure.Normalize(filter.Measure) is { } measure)
        {
            query = query.Where(c => c.Measure == measure);
        }

        if (filter.Mission is { } mission)
        {
            var prefix = "M" + mission.ToString(CultureInfo.InvariantCulture) + "C";
            query = query.Where(c => (c.Measure != null && c.Measure.StartsWith(prefix)) || c.Objectives.Any(o => o.Objective!.Mission!.Number == mission));
        }

        // A register of a few hundred calls: read once, then filtered and ordered here, with one rule for "open".
        var calls = await Project(query).ToListAsync(cancellationToken).ConfigureAwait(false);
        bool IsOpen(FundingCallSummary c) => (c.OpensOn is null || c.OpensOn <= today) && (c.ClosesOn is null || c.ClosesOn >= today || c.UntilFundsRunOut);
        if (filter.OpenOnly)
        {
            calls = [.. calls.Where(IsOpen)];
        }

        if (filter.Search is { Length: > 0 } search)
        {
            calls = [.. calls.Where(c => Italian.CompareInfo.IndexOf(c.Title + " " + c.Applicants + " " + c.Funder, search.Trim(), CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0)];
        }

        return [.. calls.Where(IsOpen).OrderBy(c => c.ClosesOn ?? DateOnly.MaxValue).ThenBy(c => c.Id)
            .Concat(calls.Where(c => !IsOpen(c)).OrderByDescending(c => c.ClosesOn ?? DateOnly.MinValue).ThenByDescending(c => c.Id))];
    }

    /// <returns>Null when there is no such call.</returns>
    public static async Task<FundingCallDetail?> GetAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var call = await Project(db.FundingCalls.AsNoTracking().Where(c => c.Id == id)).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (call is null)
        {
            return null;
        }

        var mapped = call.Measure is null ? [] : await db.MeasureMappings.AsNoTracking().Where(m => m.Measure == call.Measure)
            .OrderBy(m => m.Position).Select(m => m.Objective!.Code).ToListAsync(cancellationToken).ConfigureAwait(false);
        // The office's own calls are linked to objectives directly; the PNRR's through their measure.
        var linked = await db.Set<FundingCallObjective>().AsNoTracking().Where(o => o.CallId == id)
            .OrderBy(o => o.Objective!.Mission!.Number).ThenBy(o => o.Objective!.Number).Select(o => o.Objective!.Code).ToListAsync(cancellationToken).ConfigureAwait(false);
        var objectives = linked.Concat(mapped).Distinct(StringComparer.Ordinal).ToList();
        var caller = db.Caller;
        var interests = await db.FundingCallInterests.AsNoTracking().Where(i => i.CallId == id)
            .OrderBy(i => i.MarkedAtUtc).ThenBy(i => i.Id)
            .Select(i => new InterestView(i.OrganizationId, i.Organization!.Name, i.Note, i.MarkedAtUtc)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var mine = caller.OrganizationId is { } own && interests.Any(i => i.OrganizationId == own);
        // Who is interested is for staff, who build the partnerships; the public sees how many.
        return new FundingCallDetail(call, objectives, caller.IsStaff ? interests : [], mine);
    }

    /// <summary>The caller's organisation marks its interest in a call (again: the note is replaced).</summary>
    public static async Task MarkInterestAsync(RegiaDbContext db, int callId, string? note, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var organization = RequireEditor(db.Caller);
        if (!await db.FundingCalls.AnyAsync(c => c.Id == callId, cancellationToken).ConfigureAwait(false))
        {
            throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Nessun bando n. {callId}."));
        }

        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text is { Length: > 1000 })
        {
            throw new FundingCallException("note", "La nota non può superare 1000 caratteri.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var interest = await db.FundingCallInterests.SingleOrDefaultAsync(i => i.CallId == callId && i.OrganizationId == organization, cancellationToken).ConfigureAwait(false);
        if (interest is null)
        {
            interest = new FundingCallInterest { CallId = callId, OrganizationId = organization, MarkedBy = db.Caller.Name };
            db.FundingCallInterests.Add(interest);
        }

        interest.Note = text;
        interest.MarkedAtUtc = now;
        interest.MarkedBy = db.Caller.Name;
        db.Audit(new AuditRecord("funding-call", () => callId.ToString(CultureInfo.InvariantCulture), "interest", now) { After = new { organization, note = text } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The caller's organisation withdraws its interest; nothing happens when it had none.</summary>
    public static async Task WithdrawInterestAsync(RegiaDbContext db, int callId, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var organization = RequireEditor(db.Caller);
        var interest = await db.FundingCallInterests.SingleOrDefaultAsync(i => i.CallId == callId && i.OrganizationId == organization, cancellationToken).ConfigureAwait(false);
        if (interest is null)
        {
            return;
        }

        db.FundingCallInterests.Remove(interest);
        db.Audit(new AuditRecord("funding-call", () => callId.ToString(CultureInfo.InvariantCulture), "withdraw-interest", clock.GetUtcNow().UtcDateTime) { Before = new { organization, note = interest.Note } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The calls closing from <paramref name="today"/> to <paramref name="days"/> days after it, soonest first (the staff dashboard's deadlines).</summary>
    public static async Task<IReadOnlyList<FundingCallSummary>> ClosingSoonAsync(RegiaDbContext db, DateOnly today, int days = 60, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var last = today.AddDays(days);
        return await Project(db.FundingCalls.AsNoTracking().Where(c => c.ClosesOn >= today && c.ClosesOn <= last).OrderBy(c => c.ClosesOn).ThenBy(c => c.Id))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many days before a call closes the editors of the organisations interested in it are reminded.</summary>
    public const int RemindDaysBefore = 7;

    /// <summary>
    /// Queues, for each call closing within <see cref="RemindDaysBefore"/> days, one reminder to every editor of each
    /// organisation that marked interest in it. Unique by key: running it again, here or on another instance, queues nothing new.
    /// </summary>
    /// <returns>How many reminders were queued.</returns>
    public static async Task<int> QueueClosingRemindersAsync(RegiaDbContext db, TimeProvider clock, Mail.MailSettings mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(mail);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var last = today.AddDays(RemindDaysBefore);
        var calls = await db.FundingCalls.AsNoTracking().Where(c => c.ClosesOn >= today && c.ClosesOn <= last && c.Interests.Count != 0)
            .Select(c => new { c.Id, c.Title, ClosesOn = c.ClosesOn!.Value, c.Url, Organizations = c.Interests.Select(i => i.OrganizationId).ToList() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var queued = 0;
        foreach (var call in calls)
        {
            var link = mail.Link(string.Create(CultureInfo.InvariantCulture, $"/bandi/{call.Id}"));
            var official = call.Url is { } url ? $"Il testo ufficiale: {url}" : "";
            var mails = (await Mail.MailRecipients.EditorsOfAsync(db, call.Organizations, cancellationToken).ConfigureAwait(false)).Select(editor => new Mail.OutgoingMail
            {
                Key = Mail.MailOutbox.Invariant($"call-{call.Id}-closing-{call.ClosesOn:yyyyMMdd}-user-{editor.UserId}"),
                To = editor.Email,
                Subject = $"Regia: il bando «{Shorten(call.Title)}» chiude il {call.ClosesOn.ToString("d MMMM", Italian)}",
                Body = $"""
                    Gentile {editor.Name},

                    {editor.Organization} ha segnalato interesse per il bando «{call.Title}», che chiude il {call.ClosesOn.ToString("d MMMM yyyy", Italian)}.

                    Il bando su Regia: {link}
                    {official}
                    L'Ufficio di piano della Città metropolitana di Milano può aiutare a costruire la candidatura con gli altri enti interessati.

                    Regia, Piano strategico della Città metropolitana di Milano.
                    Messaggio automatico: non rispondere a questo indirizzo.

                    --
                    Your organisation marked interest in this call, which closes on {call.ClosesOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: {link}
                    """,
                CreatedAtUtc = now,
            }).ToList();
            queued += await Mail.MailOutbox.QueueAsync(db, mails, cancellationToken).ConfigureAwait(false);
        }

        return queued;
    }

    private static string Shorten(string title) => title.Length <= 80 ? title : title[..79] + "…";

    /// <summary>The PNRR measure of a sub-measure code: <c>M1C1I1.04.01</c> → <c>M1C1I1.4</c>.</summary>
    public static string? MeasureOf(string? subMeasure)
    {
        if (PnrrMeasure.Normalize(subMeasure) is not { } normal)
        {
            return null;
        }

        var parts = normal.Split('.');
        return parts.Length <= 2 ? normal : parts[0] + "." + parts[1];
    }

    private static int RequireEditor(Caller caller)
    {
        if (!caller.IsReviewer && caller.Role is not RegiaRole.Editor)
        {
            throw new UnauthorizedAccessException(caller.IsAuthenticated ? "Il vostro profilo consente la sola lettura." : "Accedere per segnalare l'interesse del vostro ente.");
        }

        return caller.OrganizationId ?? throw new UnauthorizedAccessException("Il vostro profilo non è legato a un ente.");
    }

    private static IQueryable<FundingCallSummary> Project(IQueryable<FundingCall> query) => query.Select(c => new FundingCallSummary(
        c.Id, c.Key, c.Origin, c.Title, c.Funder, c.Programme, c.Measure, c.AmountTotal, c.AmountPnrr, c.OpensOn, c.ClosesOn, c.UntilFundsRunOut,
        c.SourceState, c.Applicants, c.Url, c.Interests.Count));

    private static decimal? Amount(TabularRow row, string text)
    {
        if (text.Length == 0 || text.Equals("N/A", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, Italian, out var amount)
            ? amount
            : throw new TabularFileException(row.Number, $"l'importo «{text}» non è un numero (si attende 1234567,89).");
    }

    private static DateOnly? Day(TabularRow row, string text) =>
        text.Length == 0 ? null
        : DateOnly.TryParseExact(text, ["dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw new TabularFileException(row.Number, $"la data «{text}» non è nel formato gg/mm/aaaa.");
}
