using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Alignment;
using Regia.Core.Dup;

namespace Regia.Web.Features.Admin;

/// <summary>
/// An Ente's DUP in the back office (<c>/gestione/dup</c>): its editors list the DUP objectives of a period and record
/// new ones, linked to the plan objectives they serve with the engine's suggestions; the office does it for any Ente.
/// </summary>
internal sealed class DupObjectivesModel(RegiaDbContext db, TimeProvider clock, AlignmentEngine engine, IStringLocalizer<SharedResource> text) : DupFormPage(db, clock, engine)
{
    /// <summary>The Ente (<c>?ente=</c>; the office chooses, editors have their own).</summary>
    [BindProperty(SupportsGet = true, Name = "ente")]
    public int? Ente { get; set; }

    /// <summary>The period listed (<c>?periodo=</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "periodo")]
    public int? Period { get; set; }

    public bool IsOffice => Db.Caller.IsReviewer;

    public bool CanWrite => IsOffice || Db.Caller.Role is Core.Accounts.RegiaRole.Editor;

    /// <summary>The Ente's name, or null when the caller's organisation adopts no DUP (and the office chose none).</summary>
    public string? EnteName { get; private set; }

    public IReadOnlyList<(int Id, string Name)> Enti { get; private set; } = [];

    public IReadOnlyList<DupObjectiveView> Listed { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        FirstYear ??= Period;
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostSuggestAsync(CancellationToken cancellationToken)
    {
        if (!CanWrite)
        {
            return Forbid();
        }

        await SuggestAsync(cancellationToken);
        ViewData["Suggested"] = true;
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if (!CanWrite)
        {
            return Forbid();
        }

        if (await WriteAsync(async () =>
            {
                var dup = await DupRegister.AddAsync(Db, Input(IsOffice ? Ente : null), Clock, cancellationToken);
                TempData["Message"] = text["DupAdmin.Added"].Value;
                return Redirect(FormattableString.Invariant($"/gestione/dup?ente={dup.OrganizationId}&periodo={dup.FirstYear}"));
            }) is { } done)
        {
            return done;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadFormAsync(cancellationToken);
        if (!IsOffice || Ente is null)
        {
            Ente = Db.Caller.OrganizationId;
        }

        if (IsOffice)
        {
            Enti = await DupRegister.EntiAsync(Db, cancellationToken);
        }

        var ente = Ente;
        var organization = await Db.Organizations.AsNoTracking().Where(o => o.Id == ente).Select(o => new { o.Name, o.Kind }).SingleOrDefaultAsync(cancellationToken);
        if (organization is null || !DupRegister.KeepsDup(organization.Kind))
        {
            EnteName = null;
            return;
        }

        EnteName = organization.Name;
        Period ??= DupRegister.CurrentPeriod(Clock);
        FirstYear ??= Period;
        Listed = await DupRegister.ListAsync(Db, new DupFilter(ente, Period), cancellationToken);
    }
}
