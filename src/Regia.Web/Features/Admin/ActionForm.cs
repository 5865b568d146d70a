using System.Globalization;
using Regia.Core.Actions;
using Regia.Core.Plans;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The action form as the browser posts it: text fields, and rows for places, funding, partners and milestones
/// (blank rows are ignored, so the form works without JavaScript). Numbers are read in the reader's culture.
/// </summary>
public sealed class ActionForm
{
    /// <summary>Blank rows offered after the filled ones, for each list.</summary>
    public const int BlankRows = 2;

    public string? Title { get; set; }

    /// <summary>The title people read, when the stated one is not (e.g. an open-data title cut at 40 characters).</summary>
    public string? ReadableTitle { get; set; }
    public string? Description { get; set; }
    public int LeadOrganizationId { get; set; }
    public ActorLevel? ContributingLevel { get; set; }
    public string? PrimaryObjective { get; set; }
    public int? Mission { get; set; }
    public string? SuggestedObjective { get; set; }
    public string? ExternalId { get; set; }
    public int? ParentId { get; set; }
    public string? SecondaryObjectives { get; set; }
    public string? Status { get; set; }
    public string? Progress { get; set; }
    public string? Weight { get; set; }
    public string? Cup { get; set; }
    public string? LocalProjectCode { get; set; }
    public DateOnly? PlannedStart { get; set; }
    public DateOnly? PlannedEnd { get; set; }
    public DateOnly? ActualStart { get; set; }
    public DateOnly? ActualEnd { get; set; }
    public ActionScope Scope { get; set; }
    public PublicationState Publication { get; set; }
    public List<PlaceRow> Places { get; set; } = [];
    public List<FundingRow> Funding { get; set; } = [];
    public List<PartnerRow> Partners { get; set; } = [];
    public List<MilestoneRow> Milestones { get; set; } = [];

    public sealed class PlaceRow
    {
        /// <summary><c>z:slug</c> for a zone, <c>m:ISTAT</c> for a Comune.</summary>
        public string? Place { get; set; }
        public string? Share { get; set; }
        public bool IsBlank => string.IsNullOrWhiteSpace(Place) && string.IsNullOrWhiteSpace(Share);
    }

    public sealed class FundingRow
    {
        public FundingSource? Source { get; set; }
        public string? PnrrMeasure { get; set; }
        public string? Planned { get; set; }
        public string? Committed { get; set; }
        public string? Paid { get; set; }
        public bool IsBlank => Source is null && string.IsNullOrWhiteSpace(PnrrMeasure) && string.IsNullOrWhiteSpace(Planned) && string.IsNullOrWhiteSpace(Committed) && string.IsNullOrWhiteSpace(Paid);
    }

    public sealed class PartnerRow
    {
        public int? OrganizationId { get; set; }
        public string? Role { get; set; }
        public bool IsBlank => OrganizationId is null && string.IsNullOrWhiteSpace(Role);
    }

    public sealed class MilestoneRow
    {
        public string? Title { get; set; }
        public DateOnly? DueOn { get; set; }
        public DateOnly? DoneOn { get; set; }
        public bool IsBlank => string.IsNullOrWhiteSpace(Title) && DueOn is null && DoneOn is null;
    }

    public static ActionForm From(ActionInput input, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(input);
        string? Number(decimal? value, string format) => value?.ToString(format, culture);
        return new ActionForm
        {
            Title = input.Title,
            ReadableTitle = input.ReadableTitle,
            Description = input.Description,
            LeadOrganizationId = input.LeadOrganizationId,
            ContributingLevel = input.ContributingLevel,
            PrimaryObjective = input.PrimaryObjective,
            Mission = input.Mission,
            SuggestedObjective = input.SuggestedObjective,
            ExternalId = input.ExternalId,
            ParentId = input.ParentId,
            SecondaryObjectives = string.Join(", ", input.SecondaryObjectives),
            Status = input.Status,
            Progress = Number(input.Progress, "0.##"),
            Weight = Number(input.Weight, "0.###"),
            Cup = input.Cup,
            LocalProjectCode = input.LocalProjectCode,
            PlannedStart = input.PlannedStart,
            PlannedEnd = input.PlannedEnd,
            ActualStart = input.ActualStart,
            ActualEnd = input.ActualEnd,
            Scope = input.Scope,
            Publication = input.Publication,
            Places = input.Places.Select(p => new PlaceRow { Place = p.ZoneSlug is { } z ? "z:" + z : "m:" + p.IstatCode, Share = Number(p.Share, "0.######") }).ToList(),
            Funding = input.Funding.Select(f => new FundingRow { Source = f.Source, PnrrMeasure = f.PnrrMeasure, Planned = Number(f.Planned, "#,##0.00"), Committed = Number(f.Committed, "#,##0.00"), Paid = Number(f.Paid, "#,##0.00") }).ToList(),
            Partners = input.Partners.Select(p => new PartnerRow { OrganizationId = p.OrganizationId, Role = p.Role }).ToList(),
            Milestones = input.Milestones.Select(m => new MilestoneRow { Title = m.Title, DueOn = m.DueOn, DoneOn = m.DoneOn }).ToList(),
        };
    }

    /// <summary>Adds the blank rows a form shows after the filled ones.</summary>
    public void AddBlankRows()
    {
        for (var i = 0; i < BlankRows; i++)
        {
            Places.Add(new PlaceRow());
            Funding.Add(new FundingRow());
            Partners.Add(new PartnerRow());
            Milestones.Add(new MilestoneRow());
        }
    }

    /// <summary>
    /// The input for Core, or the fields that cannot be read (by form field name). Error keys of Core's rules for
    /// list rows (<c>funding[1]</c>) count only filled rows: <see cref="FieldName"/> maps them back to form rows.
    /// </summary>
    public (ActionInput? Input, Dictionary<string, string> Errors) ToInput(CultureInfo culture)
    {
        var errors = new Dictionary<string, string>();
        decimal? Parse(string? text, string field, string example)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (decimal.TryParse(text.Trim(), NumberStyles.Number, culture, out var value))
            {
                return value;
            }

            errors[field] = string.Format(culture, culture.TwoLetterISOLanguageName == "it" ? "«{0}» non è un numero: scrivere per esempio {1}." : "“{0}” is not a number: write for example {1}.", text, example);
            return null;
        }

        var amountExample = 1_250_000.5m.ToString("#,##0.00", culture);
        var progress = Parse(Progress, "Form.Progress", 42.5m.ToString("0.#", culture));
        var weight = Parse(Weight, "Form.Weight", 1.5m.ToString("0.#", culture)) ?? 1;
        var places = new List<PlaceInput>();
        foreach (var (row, i) in Places.Select((r, i) => (r, i)).Where(r => !r.r.IsBlank))
        {
            var share = Parse(row.Share, $"Form.Places[{i}].Share", 0.25m.ToString("0.##", culture));
            var place = row.Place ?? string.Empty;
            places.Add(place.StartsWith("z:", StringComparison.Ordinal) ? new PlaceInput(place[2..], null, share) : new PlaceInput(null, place.StartsWith("m:", StringComparison.Ordinal) ? place[2..] : place, share));
        }

        var funding = new List<FundingInput>();
        foreach (var (row, i) in Funding.Select((r, i) => (r, i)).Where(r => !r.r.IsBlank))
        {
            var planned = Parse(row.Planned, $"Form.Funding[{i}].Planned", amountExample) ?? 0;
            var committed = Parse(row.Committed, $"Form.Funding[{i}].Committed", amountExample) ?? 0;
            var paid = Parse(row.Paid, $"Form.Funding[{i}].Paid", amountExample) ?? 0;
            if (row.Source is null)
            {
                errors[$"Form.Funding[{i}].Source"] = culture.TwoLetterISOLanguageName == "it" ? "Indicare la fonte del finanziamento." : "Choose the source of funding.";
            }

            funding.Add(new FundingInput(row.Source ?? FundingSource.ToBeFound, string.IsNullOrWhiteSpace(row.PnrrMeasure) ? null : row.PnrrMeasure, planned, committed, paid));
        }

        var milestones = new List<MilestoneInput>();
        foreach (var (row, i) in Milestones.Select((r, i) => (r, i)).Where(r => !r.r.IsBlank))
        {
            if (row.DueOn is null)
            {
                errors[$"Form.Milestones[{i}].DueOn"] = culture.TwoLetterISOLanguageName == "it" ? "Indicare la scadenza del traguardo." : "Give the milestone's due date.";
            }

            milestones.Add(new MilestoneInput(row.Title ?? string.Empty, row.DueOn ?? default, row.DoneOn));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var input = new ActionInput
        {
            Title = Title ?? string.Empty,
            ReadableTitle = ReadableTitle,
            Description = Description,
            LeadOrganizationId = LeadOrganizationId,
            ContributingLevel = ContributingLevel,
            PrimaryObjective = PrimaryObjective,
            // The mission follows the primary objective when one is chosen; it is stated only for an action without one.
            Mission = string.IsNullOrWhiteSpace(PrimaryObjective) ? Mission : null,
            SuggestedObjective = SuggestedObjective,
            ExternalId = ExternalId,
            ParentId = ParentId,
            SecondaryObjectives = (SecondaryObjectives ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Status = Status ?? string.Empty,
            Progress = progress,
            Weight = weight,
            Cup = Cup,
            LocalProjectCode = LocalProjectCode,
            PlannedStart = PlannedStart,
            PlannedEnd = PlannedEnd,
            ActualStart = ActualStart,
            ActualEnd = ActualEnd,
            Scope = Scope,
            Places = places,
            Funding = funding,
            Partners = Partners.Where(p => !p.IsBlank).Select(p => new PartnerInput(p.OrganizationId ?? 0, p.Role ?? string.Empty)).ToList(),
            Milestones = milestones,
            Publication = Publication,
        };
        return (input, errors);
    }

    /// <summary>The form field a Core error key names: <c>funding[1]</c> is the second filled funding row.</summary>
    public string FieldName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bracket = key.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return "Form." + char.ToUpperInvariant(key[0]) + key[1..];
        }

        var list = key[..bracket];
        var index = int.Parse(key[(bracket + 1)..key.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        IEnumerable<bool> blanks = list switch
        {
            "places" => Places.Select(r => r.IsBlank),
            "funding" => Funding.Select(r => r.IsBlank),
            "partners" => Partners.Select(r => r.IsBlank),
            _ => Milestones.Select(r => r.IsBlank),
        };
        var row = blanks.Select((blank, i) => (blank, i)).Where(r => !r.blank).Select(r => r.i).ElementAtOrDefault(index);
        return string.Create(CultureInfo.InvariantCulture, $"Form.{char.ToUpperInvariant(list[0])}{list[1..]}[{row}]");
    }
}
