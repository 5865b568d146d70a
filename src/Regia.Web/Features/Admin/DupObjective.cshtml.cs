using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Alignment;
using Regia.Core.Dup;

namespace Regia.Web.Features.Admin;

/// <summary>One DUP objective in the back office (<c>/gestione/dup/{id}</c>): its Ente's editors and the office change its texts and links, or delete it.</summary>
internal sealed class DupObjectiveModel(RegiaDbContext db, TimeProvider clock, AlignmentEngine engine, IStringLocalizer<SharedResource> text) : DupFormPage(db, clock, engine)
{
    /// <summary>The version the form was read at: a change made meanwhile by someone else is refused, not overwritten.</summary>
    [BindProperty]
    public int Version { get; set; }

    public DupObjectiveView Dup { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } denied)
        {
            return denied;
        }

        (FirstYear, Code, Title, Description, Objectives, Version) = (Dup.FirstYear, Dup.Code, Dup.Title, Dup.Description, [.. Dup.Objectives], Dup.Version);
        return Page();
    }

    public async Task<IActionResult> OnPostSuggestAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } denied)
        {
            return denied;
        }

        await SuggestAsync(cancellationToken);
        ViewData["Suggested"] = true;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } denied)
        {
            return denied;
        }

        return await WriteAsync(async () =>
        {
            await DupRegister.UpdateAsync(Db, id, Input(null), Clock, Version, cancellationToken);
            TempData["Message"] = text["DupAdmin.Saved"].Value;
            return Redirect(FormattableString.Invariant($"/gestione/dup/{id}"));
        }) ?? Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } denied)
        {
            return denied;
        }

        return await WriteAsync(async () =>
        {
            await DupRegister.DeleteAsync(Db, id, Clock, Version, cancellationToken);
            TempData["Message"] = text["DupAdmin.Deleted", Dup.Title].Value;
            return Redirect(FormattableString.Invariant($"/gestione/dup?ente={Dup.OrganizationId}&periodo={Dup.FirstYear}"));
        }) ?? Page();
    }

    /// <returns>The answer when there is no such DUP objective (404) or the caller may not change it (403); null to go on.</returns>
    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var dup = await DupRegister.GetAsync(Db, id, cancellationToken);
        if (dup is null)
        {
            return NotFound();
        }

        if (!Db.Caller.IsReviewer && (Db.Caller.Role is not Core.Accounts.RegiaRole.Editor || Db.Caller.OrganizationId != dup.OrganizationId))
        {
            return Forbid();
        }

        Dup = dup;
        await LoadFormAsync(cancellationToken);
        return null;
    }
}
