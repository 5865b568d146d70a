using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Actions;
using Regia.Core.Indicators;
using Regia.Core.Proposals;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>
/// Reports an indicator's figures (<c>/gestione/indicatori/{code}/dati</c>): a reviewer's are written at once, an
/// editor's (for an indicator that measures an action the organisation leads) become a proposal. Values are typed in
/// the reader's notation (1.234,5 in Italian); every row is checked and a refused one writes nothing.
/// </summary>
internal sealed class IndicatorFiguresModel(RegiaDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text) : PageModel
{
    public const int EmptyRows = 5;

    [FromRoute(Name = "code")]
    public string Code { get; set; } = "";

    [BindProperty]
    public List<FigureRow> Rows { get; set; } = [];

    public IndicatorDetail? Indicator { get; private set; }

    public IReadOnlyList<(string Value, string Name, bool Zone)> Places { get; private set; } = [];

    public bool IsReviewer => db.Caller.IsReviewer;

    /// <summary>A figure as typed.</summary>
    internal sealed class FigureRow
    {
        public string? Period { get; set; }
        public string? Territory { get; set; }
        public string? Group { get; set; }
        public string? Value { get; set; }
        public FigureStatus Status { get; set; } = FigureStatus.Final;
        public string? Note { get; set; }

        public bool IsEmpty => string.IsNullOrWhiteSpace(Period) && string.IsNullOrWhiteSpace(Value) && string.IsNullOrWhiteSpace(Note);
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Rows = [.. Enumerable.Range(0, EmptyRows).Select(_ => new FigureRow())];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        var typed = Rows.Select((row, index) => (Row: row, Index: index)).Where(r => !r.Row.IsEmpty).ToList();
        if (typed.Count == 0)
        {
            ModelState.AddModelError(string.Empty, text["IndicatorFigures.NoneTyped"]);
            return Page();
        }

        foreach (var (row, index) in typed.Where(r => (r.Row.Group ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(g => !g.Contains('=', StringComparison.Ordinal) || g.EndsWith('='))))
        {
            ModelState.AddModelError(string.Create(CultureInfo.InvariantCulture, $"Rows[{index}].Group"), text["IndicatorFigures.BadGroup", row.Group!]);
        }

        if (ModelState.ErrorCount > 0)
        {
            return Page();
        }

        var figures = typed.Select(r => new FigureInput(
            Indicator!.Summary.Code, r.Row.Period ?? "", r.Row.Territory ?? "", r.Row.Value ?? "",
            r.Row.Status == FigureStatus.Provisional ? "provisional" : "final", r.Row.Note, null, "", GroupsOf(r.Row.Group))).ToList();
        var notation = CultureInfo.CurrentCulture.TwoLetterISOLanguageName == "it" ? NumberNotation.Italian : NumberNotation.International;
        try
        {
            var outcome = await RecordFigures.SubmitAsync(db, figures, notation, clock, cancellationToken);
            if (outcome.Report.Rejected == 0)
            {
                TempData["Message"] = outcome.Proposal is { } proposal
                    ? text["IndicatorFigures.Proposed", proposal.Id].Value
                    : text["IndicatorFigures.Saved", outcome.Report.Created, outcome.Report.Updated, outcome.Report.Unchanged].Value;
                return Redirect(outcome.Proposal is { } p ? "/gestione/proposte/" + p.Id.ToString(CultureInfo.InvariantCulture) : "/indicatori/" + Indicator!.Summary.Code);
            }

            foreach (var (row, errors) in outcome.Report.Problems)
            {
                var index = typed[row - 1].Index;
                foreach (var error in errors)
                {
                    var field = error.Column switch
                    {
                        "period" => "Period",
                        "territory" => "Territory",
                        "value" => "Value",
                        "status" => "Status",
                        "note" => "Note",
                        "gruppi" => "Group",
                        _ => null,
                    };
                    ModelState.AddModelError(field is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"Rows[{index}].{field}"), error.Message);
                }
            }
        }
        catch (ActionForbiddenException forbidden)
        {
            ModelState.AddModelError(string.Empty, forbidden.Message);
        }
        catch (ActionValidationException invalid)
        {
            ModelState.AddModelError(string.Empty, string.Join(" ", invalid.Errors.SelectMany(e => e.Value)));
        }

        return Page();
    }

    /// <summary>"sesso=F; eta=18-29" as the figure's groups (checked beforehand: each part is name=value).</summary>
    private static List<KeyValuePair<string, string>> GroupsOf(string? text) =>
        [.. (text ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Select(pair => new KeyValuePair<string, string>(pair[0], pair.Length > 1 ? pair[1] : ""))];

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Indicator = await IndicatorQueries.GetAsync(db, Code, cancellationToken);
        if (Indicator is null)
        {
            return false;
        }

        var zones = await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new { z.Slug, z.Name }).ToListAsync(cancellationToken);
        var municipalities = await db.Municipalities.AsNoTracking().OrderBy(m => m.Name).Select(m => new { m.IstatCode, m.Name }).ToListAsync(cancellationToken);
        Places = [.. zones.Select(z => (z.Slug, z.Name, true)).Concat(municipalities.Select(m => (m.IstatCode, m.Name, false)))];
        return true;
    }
}
