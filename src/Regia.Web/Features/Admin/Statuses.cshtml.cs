using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>The configurable list of action statuses (administrators): add, rename, preset progress, order, remove unused.</summary>
[Authorize(Policy = Security.AdministratorsPolicy)]
internal sealed class StatusesModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? PresetProgress { get; set; }

    [BindProperty]
    public int? Position { get; set; }

    public IReadOnlyList<(ActionStatus Status, int Actions)> Statuses { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var preset = FormNumbers.Percentage(ModelState, nameof(PresetProgress), PresetProgress, text);
        if (ModelState.ErrorCount == 0)
        {
            try
            {
                await ActionStatuses.SaveAsync(db, Code ?? string.Empty, Name ?? string.Empty, preset, Position, clock, cancellationToken);
                TempData["Message"] = text["Statuses.Saved"].Value;
                return Redirect("/gestione/stati");
            }
            catch (ActionValidationException invalid)
            {
                FormErrors.Add(ModelState, invalid);
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string code, CancellationToken cancellationToken)
    {
        try
        {
            if (!await ActionStatuses.RemoveAsync(db, code, clock, cancellationToken))
            {
                return NotFound();
            }

            TempData["Message"] = text["Statuses.Removed"].Value;
            return Redirect("/gestione/stati");
        }
        catch (ActionValidationException refused)
        {
            ModelState.AddModelError(string.Empty, string.Join(" ", refused.Errors.SelectMany(e => e.Value)));
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var statuses = await db.ActionStatuses.AsNoTracking().OrderBy(s => s.Position).ToListAsync(cancellationToken);
        var counts = await db.Actions.GroupBy(a => a.StatusId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        Statuses = statuses.Select(s => (s, counts.GetValueOrDefault(s.Id))).ToList();
    }
}
