using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Actions;
using Regia.Core.Common;
using Regia.Core.Exports;
using Regia.Core.Plans;

namespace Regia.Core.Importing;

/// <summary>An action as a row of Regia's template: its id, version, lead's name (for people) and everything it states.</summary>
public sealed record TemplateRow(int Id, int Version, string LeadOrganization, ActionInput Input);

/// <summary>
/// Regia's own actions template: every field of an action in one row, lists in one cell each (one item per line,
/// parts separated by <c> | </c>), so that export → edit in a spreadsheet → import changes only what was edited.
/// The format is described in docs/import-template.md.
/// </summary>
public static class ActionTemplate
{
    /// <summary>The template's columns, in order; all are required on import (a missing column would silently empty a field).</summary>
    public static readonly IReadOnlyList<TabularColumn<TemplateRow>> Columns =
    [
        new("id", r => r.Id),
        new("version", r => r.Version),
        new("title", r => r.Input.Title),
        new("readableTitle", r => r.Input.ReadableTitle),
        new("description", r => r.Input.Description),
        new("leadOrganizationId", r => r.Input.LeadOrganizationId),
        new("leadOrganization", r => r.LeadOrganization),
        new("contributingLevel", r => r.Input.ContributingLevel is { } level ? EnumNames.Kebab(level) : null),
        new("mission", r => r.Input.Mission),
        new("primaryObjective", r => r.Input.PrimaryObjective),
        new("secondaryObjectives", r => string.Join(", ", r.Input.SecondaryObjectives)),
        new("suggestedObjective", r => r.Input.SuggestedObjective),
        new("status", r => r.Input.Status),
        new("progress", r => r.Input.Progress),
        new("weight", r => r.Input.Weight),
        new("cup", r => r.Input.Cup),
        new("localProjectCode", r => r.Input.LocalProjectCode),
        new("externalId", r => r.Input.ExternalId),
        new("parentId", r => r.Input.ParentId),
        new("plannedStart", r => r.Input.PlannedStart),
        new("plannedEnd", r => r.Input.PlannedEnd),
        new("actualStart", r => r.Input.ActualStart),
        new("actualEnd", r => r.Input.ActualEnd),
        new("scope", r => EnumNames.Kebab(r.Input.Scope)),
        new("places", r => Lines(r.Input.Places.Select(p => Parts(p.ZoneSlug ?? p.IstatCode, Number(p.Share))))),
        new("funding", r => Lines(r.Input.Funding.Select(f => Parts(EnumNames.Kebab(f.Source), f.PnrrMeasure ?? "", Number(f.Planned), Number(f.Committed), Number(f.Paid))))),
        new("partners", r => Lines(r.Input.Partners.Select(p => Parts(p.OrganizationId.ToString(CultureInfo.InvariantCulture), p.Role)))),
        new("milestones", r => Lines(r.Input.Milestones.Select(m => Parts(Date(m.DueOn), Date(m.DoneOn), m.Title)))),
        new("publication", r => EnumNames.Kebab(r.Input.Publication)),
    ];

    /// <summary>Every action (drafts too, when asked), by id, read 500 at a time so that memory stays flat.</summary>
    public static async IAsyncEnumerable<TemplateRow> RowsAsync(RegiaDbContext db, bool includeDrafts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        const int BatchSize = 500;
        var organizations = await db.Organizations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken).ConfigureAwait(false);
        var rows = Keyset.ReadAsync(BatchSize, (last, cancel) => ActionSnapshot.InputsAfterAsync(db, last ?? 0, BatchSize, includeDrafts, cancel), r => r.Id, cancellationToken);
        await foreach (var (id, input, version) in rows.ConfigureAwait(false))
        {
            yield return new TemplateRow(id, version, organizations.GetValueOrDefault(input.LeadOrganizationId, ""), input);
        }
    }

    private static string Lines(IEnumerable<string> items) => string.Join("\n", items);

    private static string Parts(params string?[] parts) => string.Join(" | ", parts.Select(p => p ?? string.Empty)).TrimEnd(' ', '|');

    private static string Number(decimal? value) => value is { } v ? (v / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture) : string.Empty;

    private static string Date(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;
}

/// <summary>Reads Regia's template (<see cref="ActionTemplate"/>); rows are recognised by id, external id or CUP and local code.</summary>
public sealed class ActionTemplateSource : IActionSource
{
    private readonly TabularFile file;
    private readonly IReadOnlyDictionary<string, int> column;

    private ActionTemplateSource(TabularFile file, IReadOnlyDictionary<string, int> column)
    {
        this.file = file;
        this.column = column;
    }

    public IReadOnlyList<string> Headers => file.Headers;

    public double? Fraction => file.Fraction;

    /// <exception cref="TabularFileException">Columns of the template are missing; all are named.</exception>
    public static ActionTemplateSource Open(TabularFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new ActionTemplateSource(file, file.RequireColumns(ActionTemplate.Columns.Select(c => c.Key)));
    }

    public string ColumnOf(string field)
    {
        var name = field.Split('[')[0];
        return name switch
        {
            "key" => "id",
            _ when column.ContainsKey(name) => name,
            _ => field,
        };
    }

    public async IAsyncEnumerable<SourceRow> ReadAsync(ImportContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in file.RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            var errors = new List<CellError>();
            var reader = new CellReader(row, column, errors);
            var id = reader.Integer("id");
            var version = reader.Integer("version");
            var scope = reader.Enum<ActionScope>("scope") ?? ActionScope.Metropolitan;
            var input = new ActionInput
            {
                Title = reader.Text("title"),
                ReadableTitle = reader.OptionalText("readableTitle"),
                Description = reader.OptionalText("description"),
                LeadOrganizationId = reader.Integer("leadOrganizationId") ?? 0,
                ContributingLevel = reader.Enum<ActorLevel>("contributingLevel"),
                Mission = reader.Integer("mission"),
                PrimaryObjective = reader.OptionalText("primaryObjective"),
                SecondaryObjectives = reader.Text("secondaryObjectives").Split([',', ';', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                SuggestedObjective = reader.OptionalText("suggestedObjective"),
                Status = reader.Text("status"),
                Progress = reader.Decimal("progress"),
                Weight = reader.Decimal("weight") ?? 1,
                Cup = reader.OptionalText("cup"),
                LocalProjectCode = reader.OptionalText("localProjectCode"),
                ExternalId = reader.OptionalText("externalId"),
                ParentId = reader.Integer("parentId"),
                PlannedStart = reader.Date("plannedStart"),
                PlannedEnd = reader.Date("plannedEnd"),
                ActualStart = reader.Date("actualStart"),
                ActualEnd = reader.Date("actualEnd"),
                Scope = scope,
                Places = reader.Items("places", 2, p => new PlaceInput(scope == ActionScope.Zones ? p[0] : null, scope == ActionScope.Zones ? null : p[0], reader.Decimal(p.ElementAtOrDefault(1), "places"))),
                Funding = reader.Items("funding", 5, p => new FundingInput(
                    reader.Enum<FundingSource>(p[0], "funding") ?? FundingSource.ToBeFound,
                    string.IsNullOrWhiteSpace(p.ElementAtOrDefault(1)) ? null : p[1],
                    reader.Decimal(p.ElementAtOrDefault(2), "funding") ?? 0,
                    reader.Decimal(p.ElementAtOrDefault(3), "funding") ?? 0,
                    reader.Decimal(p.ElementAtOrDefault(4), "funding") ?? 0)),
                Partners = reader.Items("partners", 2, p => new PartnerInput(reader.Integer(p[0], "partners") ?? 0, p.ElementAtOrDefault(1) ?? string.Empty)),
                Milestones = reader.Items("milestones", 3, p => new MilestoneInput(p.ElementAtOrDefault(2) ?? string.Empty, reader.Date(p[0], "milestones") ?? default, reader.Date(p.ElementAtOrDefault(1), "milestones"))),
                Publication = reader.Enum<PublicationState>("publication") ?? PublicationState.Draft,
            };
            var key = new ImportKey(id, id is null ? input.ExternalId : null, id is null && input.ExternalId is null ? Cup.Normalize(input.Cup) : null, id is null && input.ExternalId is null ? input.LocalProjectCode : null);
            yield return new SourceRow(row.Number, key, errors.Count == 0 ? input : null, errors, row.Cells) { Label = input.Title, ExpectedVersion = version };
        }
    }

    /// <summary>Reads a row's cells by column name, adding an Italian message for each cell that cannot be read.</summary>
    private sealed class CellReader(TabularRow row, IReadOnlyDictionary<string, int> column, List<CellError> errors)
    {
        public string Text(string name) => ImportCells.Text(row.Cell(column[name]), name, errors);

        public string? OptionalText(string name) => Text(name) is { Length: > 0 } text ? text : null;

        public int? Integer(string name) => Integer(Text(name), name);

        public int? Integer(string? text, string name)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                || (decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var whole) && whole == Math.Floor(whole) && (value = (int)whole) == whole))
            {
                return value;
            }

            errors.Add(new CellError(name, $"«{text.Trim()}» non è un numero intero."));
            return null;
        }

        public decimal? Decimal(string name) => Decimal(Text(name), name);

        /// <summary>A number with a decimal point (1250000.5); a decimal comma is accepted when there is no point (0,25).</summary>
        public decimal? Decimal(string? text, string name)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            var normalized = text.Trim();
            if (!normalized.Contains('.', StringComparison.Ordinal))
            {
                normalized = normalized.Replace(',', '.');
            }

            if (decimal.TryParse(normalized, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            errors.Add(new CellError(name, $"«{text.Trim()}» non è un numero (scrivere per esempio 1250000.50, senza separatori delle migliaia)."));
            return null;
        }

        public DateOnly? Date(string name) => Date(Text(name), name);

        /// <summary>A date as yyyy-MM-dd, or a spreadsheet's date serial (what a cell formatted as date holds).</summary>
        public DateOnly? Date(string? text, string name)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 1 and < 2958466)
            {
                return DateOnly.FromDateTime(DateTime.FromOADate(serial));
            }

            errors.Add(new CellError(name, $"«{text.Trim()}» non è una data: scrivere AAAA-MM-GG (es. 2026-03-31)."));
            return null;
        }

        public T? Enum<T>(string name)
            where T : struct, System.Enum => Enum<T>(Text(name), name);

        public T? Enum<T>(string? text, string name)
            where T : struct, System.Enum
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (EnumNames.Parse<T>(text) is { } value)
            {
                return value;
            }

            errors.Add(new CellError(name, $"«{text.Trim()}» non è ammesso: usare uno tra {EnumNames.Names<T>()}."));
            return null;
        }

        /// <summary>A list cell: one item per line, at most <paramref name="parts"/> parts separated by "|" (the last keeps any further "|").</summary>
        public IReadOnlyList<T> Items<T>(string name, int parts, Func<string[], T> item) =>
            [.. Text(name).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => item(line.Split('|', parts, StringSplitOptions.TrimEntries)))];
    }
}
