using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Alignment;
using Regia.Core.Auditing;
using Regia.Core.Plans;

namespace Regia.Core.Funding;

/// <summary>A regional, national or European call as the office enters it; amounts in euro, dates as days.</summary>
public sealed record FundingCallInput(
    string Title,
    string Funder,
    string Programme,
    IReadOnlyList<string> Objectives,
    decimal? AmountTotal = null,
    DateOnly? OpensOn = null,
    DateOnly? ClosesOn = null,
    bool UntilFundsRunOut = false,
    string? Applicants = null,
    string? Url = null,
    string? Measure = null);

/// <summary>
/// The calls the planning office adds by hand to the register (a Region's, a ministry's, the EU's), beside the PNRR's
/// loaded from the file: reviewers and administrators add, change and delete them, linked to the plan objectives they
/// serve. The PNRR's calls change only with the file. Every write is audited and public.
/// </summary>
public static class OfficeCalls
{
    public const int MaxObjectives = 10;

    public static async Task<FundingCall> AddAsync(RegiaDbContext db, FundingCallInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        RequireOffice(db);
        var now = clock.GetUtcNow().UtcDateTime;
        var call = new FundingCall
        {
            // A key of its own, not the id (unknown before saving): "office-" and 12 hex digits.
            Key = "office-" + Guid.NewGuid().ToString("N")[..12],
            Origin = FundingCallOrigin.Office,
            Title = "",
            Funder = "",
            Programme = "",
        };
        await ApplyAsync(db, call, input, now, cancellationToken).ConfigureAwait(false);
        db.FundingCalls.Add(call);
        db.Audit(new AuditRecord("funding-call", () => call.Id.ToString(CultureInfo.InvariantCulture), "add", now) { After = Snapshot(call, input), IsPublic = true });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return call;
    }

    public static async Task<FundingCall> UpdateAsync(RegiaDbContext db, int id, FundingCallInput input, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        RequireOffice(db);
        var call = await FindOfficeCallAsync(db, id, cancellationToken).ConfigureAwait(false);
        var before = new { call.Title, call.Funder, call.Programme, call.AmountTotal, call.OpensOn, call.ClosesOn, call.UntilFundsRunOut, call.Applicants, call.Url, call.Measure };
        var now = clock.GetUtcNow().UtcDateTime;
        await ApplyAsync(db, call, input, now, cancellationToken).ConfigureAwait(false);
        db.Audit(new AuditRecord("funding-call", () => id.ToString(CultureInfo.InvariantCulture), "change", now) { Before = before, After = Snapshot(call, input), IsPublic = true });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return call;
    }

    /// <summary>Deletes a call the office added, with the interests marked in it; the trail keeps what it was.</summary>
    public static async Task DeleteAsync(RegiaDbContext db, int id, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        RequireOffice(db);
        var call = await FindOfficeCallAsync(db, id, cancellationToken).ConfigureAwait(false);
        db.FundingCalls.Remove(call);
        db.Audit(new AuditRecord("funding-call", () => id.ToString(CultureInfo.InvariantCulture), "delete", clock.GetUtcNow().UtcDateTime)
        {
            Before = new { call.Title, call.Funder, call.Programme, call.ClosesOn, interests = call.Interests.Count },
            IsPublic = true,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The input that would write the call as it is (the office's form, to change it).</summary>
    public static async Task<FundingCallInput?> InputOfAsync(RegiaDbContext db, int id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var call = await db.FundingCalls.AsNoTracking().Include(c => c.Objectives).ThenInclude(o => o.Objective)
            .SingleOrDefaultAsync(c => c.Id == id && c.Origin == FundingCallOrigin.Office, cancellationToken).ConfigureAwait(false);
        return call is null ? null : new FundingCallInput(
            call.Title, call.Funder, call.Programme, [.. call.Objectives.Select(o => o.Objective!.Code)], call.AmountTotal, call.OpensOn, call.ClosesOn,
            call.UntilFundsRunOut, call.Applicants, call.Url, call.Measure);
    }

    private static async Task ApplyAsync(RegiaDbContext db, FundingCall call, FundingCallInput input, DateTime now, CancellationToken cancellationToken)
    {
        call.Title = Line(input.Title, "title", 5, 1000, "il titolo del bando");
        call.Funder = Line(input.Funder, "funder", 2, 300, "chi lo emana (es. Regione Lombardia)");
        call.Programme = Line(input.Programme, "programme", 2, 500, "il programma o la fonte (es. PR FESR 2021-2027)");
        call.Applicants = Optional(input.Applicants, "applicants", 500);
        if (input.AmountTotal is < 0 or > 1_000_000_000_000m)
        {
            throw new FundingCallException("amountTotal", "L'importo dev'essere tra 0 e mille miliardi di euro.");
        }

        if (input.OpensOn is { } opens && input.ClosesOn is { } closes && closes < opens)
        {
            throw new FundingCallException("closesOn", "La chiusura non può precedere l'apertura.");
        }

        var url = Optional(input.Url, "url", 1000);
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http")))
        {
            throw new FundingCallException("url", "Il collegamento al testo ufficiale dev'essere un indirizzo web completo (https://…).");
        }

        string? measure = null;
        if (!string.IsNullOrWhiteSpace(input.Measure))
        {
            measure = PnrrMeasure.Normalize(input.Measure) ?? throw new FundingCallException("measure", $"«{input.Measure}» non è il codice di una misura del PNRR (es. M1C1I1.2).");
        }

        var codes = (input.Objectives ?? []).Select(c => c?.Trim().ToUpperInvariant() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count > MaxObjectives)
        {
            throw new FundingCallException("objectives", string.Create(CultureInfo.InvariantCulture, $"Un bando si collega al massimo a {MaxObjectives} obiettivi del Piano."));
        }

        var objectives = await PlanQueries.CurrentPlanObjectivesQuery(db).AsNoTracking().Where(o => codes.Contains(o.Code) && o.RetiredOn == null)
            .Select(o => new { o.Id, o.Code }).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (codes.FirstOrDefault(c => objectives.All(o => o.Code != c)) is { } unknown)
        {
            throw new FundingCallException("objectives", $"Il Piano in vigore non ha l'obiettivo «{unknown}».");
        }

        (call.AmountTotal, call.OpensOn, call.ClosesOn, call.UntilFundsRunOut, call.Url, call.Measure) = (input.AmountTotal, input.OpensOn, input.ClosesOn, input.UntilFundsRunOut, url, measure);
        call.UpdatedAtUtc = now;
        call.Objectives.RemoveAll(o => objectives.All(k => k.Id != o.ObjectiveId));
        foreach (var objective in objectives.Where(o => call.Objectives.All(k => k.ObjectiveId != o.Id)))
        {
            call.Objectives.Add(new FundingCallObjective { ObjectiveId = objective.Id });
        }
    }

    private static object Snapshot(FundingCall call, FundingCallInput input) => new
    {
        call.Title, call.Funder, call.Programme, call.AmountTotal, call.OpensOn, call.ClosesOn, call.UntilFundsRunOut, call.Applicants, call.Url, call.Measure,
        objectives = input.Objectives,
    };

    private static string Line(string? value, string field, int min, int max, string what)
    {
        var text = Common.PlainText.OneLine(value);
        if (text.Length < min)
        {
            throw new FundingCallException(field, $"Indicare {what}.");
        }

        return text.Length <= max ? text : throw new FundingCallException(field, string.Create(CultureInfo.InvariantCulture, $"Il testo non può superare {max} caratteri (ne ha {text.Length})."));
    }

    private static string? Optional(string? value, string field, int max)
    {
        var text = value?.Trim() ?? "";
        if (text.Length > max)
        {
            throw new FundingCallException(field, string.Create(CultureInfo.InvariantCulture, $"Il testo non può superare {max} caratteri (ne ha {text.Length})."));
        }

        return text.Length == 0 ? null : text;
    }

    private static void RequireOffice(RegiaDbContext db)
    {
        if (!db.Caller.IsReviewer)
        {
            throw new UnauthorizedAccessException("Solo l'Ufficio di piano (revisori e amministratori) aggiunge e modifica i bandi.");
        }
    }

    private static async Task<FundingCall> FindOfficeCallAsync(RegiaDbContext db, int id, CancellationToken cancellationToken)
    {
        var call = await db.FundingCalls.Include(c => c.Objectives).Include(c => c.Interests).SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Nessun bando n. {id}."));
        return call.Origin == FundingCallOrigin.Office
            ? call
            : throw new FundingCallException("call", "Il bando viene dal registro del PNRR (Italia Domani): cambia solo con il file del registro.", conflict: true);
    }
}
