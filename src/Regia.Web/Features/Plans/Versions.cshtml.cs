using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Regia.Core;
using Regia.Core.Plans;

namespace Regia.Web.Features.Plans;

/// <summary>
/// The plan's versions (<c>/piano/versioni</c>): the one in force and those before, each adopted by a council act, and
/// what changed between any two, objective by objective, with the reasons.
/// </summary>
internal sealed class VersionsModel(RegiaDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "da")]
    public int? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "a")]
    public int? To { get; set; }

    public IReadOnlyList<PlanVersion> Versions { get; private set; } = [];

    public IReadOnlyList<ObjectiveDiff>? Diff { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // Drafts are the planning office's work in progress: the public sees adopted versions only.
        Versions = [.. (await PlanVersions.ListAsync(db, clock, cancellationToken)).Where(v => v.Status == PlanVersionStatus.Adopted)];
        var latest = Versions.Count > 0 ? Versions[^1].Number : 1;
        From ??= latest > 1 ? latest - 1 : null;
        To ??= latest > 1 ? latest : null;
        if (From is { } from && To is { } to)
        {
            try
            {
                Diff = await PlanVersions.DiffAsync(db, from, to, clock, cancellationToken);
            }
            catch (PlanVersionException refused)
            {
                Error = refused.Message;
            }
        }
    }
}
