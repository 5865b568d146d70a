using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;
using Regia.Core.Indicators;

namespace Regia.Web.Features.Admin;

/// <summary>
/// The indicator form as typed: numbers in the reader's culture (a tolerance in per cent), lists as comma-separated
/// text, targets as rows. <see cref="ToInput"/> turns it into Core's <see cref="IndicatorInput"/>, noting what it cannot read.
/// </summary>
internal sealed class IndicatorForm
{
    public const int TargetRows = 4;

    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? NameEn { get; set; }
    public string? Description { get; set; }
    public string? DescriptionEn { get; set; }
    public string? Unit { get; set; }
    public IndicatorDirection Direction { get; set; }
    public string? RangeLow { get; set; }
    public string? RangeHigh { get; set; }
    public string? TolerancePercent { get; set; } = "10";
    public AggregationRule Aggregation { get; set; }
    public string? Source { get; set; }
    public string? Licence { get; set; }
    public string? Frequency { get; set; }
    public string? BaselinePeriod { get; set; }
    public string? BaselineValue { get; set; }
    public List<TargetRow> Targets { get; set; } = [];
    public List<int> Sdgs { get; set; } = [];
    public string? Objectives { get; set; }
    public string? Actions { get; set; }
    public bool IsDemo { get; set; }

    /// <summary>The declared groups, a line each: <c>sesso: F, M</c>.</summary>
    public string? Breakdowns { get; set; }

    /// <summary>A target as typed.</summary>
    internal sealed class TargetRow
    {
        public string? Period { get; set; }
        public string? Value { get; set; }
    }

    /// <summary>The form of an indicator as it is, numbers written in the reader's culture.</summary>
    public static IndicatorForm Of(IndicatorInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var culture = CultureInfo.CurrentCulture;
        string? Number(decimal? value) => value?.ToString("0.######", culture);
        var form = new IndicatorForm
        {
            Code = input.Code, Name = input.Name, NameEn = input.NameEn, Description = input.Description, DescriptionEn = input.DescriptionEn,
            Unit = input.Unit, Direction = input.Direction, RangeLow = Number(input.RangeLow), RangeHigh = Number(input.RangeHigh),
            TolerancePercent = Number(input.Tolerance * 100), Aggregation = input.Aggregation, Source = input.Source, Licence = input.Licence,
            Frequency = input.Frequency, BaselinePeriod = input.BaselinePeriod, BaselineValue = Number(input.BaselineValue),
            Targets = [.. input.Targets.Select(t => new TargetRow { Period = t.Period, Value = Number(t.Value) })],
            Sdgs = [.. input.Sdgs], Objectives = string.Join(", ", input.Objectives),
            Actions = string.Join(", ", input.Actions.Select(a => a.ToString(CultureInfo.InvariantCulture))), IsDemo = input.IsDemo,
            Breakdowns = string.Join('\n', input.Breakdowns.Select(b => b.Key + ": " + string.Join(", ", b.Value))),
        };
        form.Pad();
        return form;
    }

    /// <summary>Empty target rows up to <see cref="TargetRows"/>, and one more to add.</summary>
    public void Pad()
    {
        while (Targets.Count < TargetRows || Targets[^1].Period is { Length: > 0 })
        {
            Targets.Add(new TargetRow());
        }
    }

    /// <summary>Core's input; unreadable numbers and ids are errors in <paramref name="state"/> under <c>Form.*</c>.</summary>
    public IndicatorInput ToInput(ModelStateDictionary state, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(state);
        decimal? Number(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (decimal.TryParse(value.Trim(), NumberStyles.Number, CultureInfo.CurrentCulture, out var parsed))
            {
                return parsed;
            }

            state.AddModelError("Form." + field, text["IndicatorForm.BadNumber", value]);
            return null;
        }

        var targets = new List<TargetInput>();
        for (var i = 0; i < Targets.Count; i++)
        {
            var row = Targets[i];
            if (string.IsNullOrWhiteSpace(row.Period) && string.IsNullOrWhiteSpace(row.Value))
            {
                continue;
            }

            var value = Number(string.Create(CultureInfo.InvariantCulture, $"Targets[{i}].Value"), row.Value);
            if (value is null && string.IsNullOrWhiteSpace(row.Value))
            {
                state.AddModelError(string.Create(CultureInfo.InvariantCulture, $"Form.Targets[{i}].Value"), text["IndicatorForm.TargetValueRequired"]);
            }

            targets.Add(new TargetInput(row.Period?.Trim() ?? "", value ?? 0));
        }

        var actions = new List<int>();
        foreach (var part in (Actions ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                actions.Add(id);
            }
            else
            {
                state.AddModelError("Form.Actions", text["IndicatorForm.BadAction", part]);
            }
        }

        var breakdowns = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var line in (Breakdowns ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length < 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                state.AddModelError("Form.Breakdowns", text["IndicatorForm.BadBreakdown", line]);
                continue;
            }

            breakdowns[parts[0].ToLowerInvariant()] = [.. parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var tolerance = Number(nameof(TolerancePercent), TolerancePercent);
        return new IndicatorInput
        {
            Code = Code ?? "",
            Name = Name ?? "",
            NameEn = NameEn,
            Description = Description,
            DescriptionEn = DescriptionEn,
            Unit = Unit ?? "",
            Direction = Direction,
            RangeLow = Number(nameof(RangeLow), RangeLow),
            RangeHigh = Number(nameof(RangeHigh), RangeHigh),
            Tolerance = tolerance is { } percent ? percent / 100 : 0.1m,
            Aggregation = Aggregation,
            Source = Source,
            Licence = Licence,
            Frequency = Frequency,
            BaselinePeriod = BaselinePeriod,
            BaselineValue = Number(nameof(BaselineValue), BaselineValue),
            Targets = targets,
            Sdgs = Sdgs,
            Objectives = [.. (Objectives ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Actions = actions,
            IsDemo = IsDemo,
            Breakdowns = breakdowns,
        };
    }

    /// <summary>The form field a Core error key names (<c>targets[1]</c> → <c>Form.Targets[1].Period</c>).</summary>
    public static string FieldOf(string key) => key switch
    {
        "tolerance" => "Form.TolerancePercent",
        _ when key.StartsWith("targets[", StringComparison.Ordinal) => "Form.T" + key[1..] + ".Period",
        _ => "Form." + char.ToUpperInvariant(key[0]) + key[1..],
    };
}
