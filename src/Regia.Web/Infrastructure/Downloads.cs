using System.Globalization;
using Microsoft.Extensions.Localization;
using Regia.Core.Common;
using Regia.Core.Exports;

namespace Regia.Web.Infrastructure;

/// <summary>Every list's download: one format parameter, one file name pattern, streamed.</summary>
internal static class Downloads
{
    public const string FormatDescription = "csv (comma, decimal point, UTF-8 with BOM), csv-semicolon (for Italian spreadsheets: semicolon, decimal comma), xlsx or json; csv when absent.";

    /// <summary>The 400 for a format no download has (csv, csv-semicolon, xlsx, json); null for a known one. Checked before a download reads its rows.</summary>
    public static IResult? FormatProblem(string? format, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TabularExport.Parse(format ?? "csv") is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [text["Api.UnknownFormat", format ?? string.Empty]] }, title: text["Api.InvalidQuery"])
            : null;
    }

    /// <summary>Writes <paramref name="rows"/> as a file named <c>regia-{name}-{date}.{ext}</c>, or answers 400 for an unknown format.</summary>
    public static async Task<IResult> WriteAsync<T>(
        HttpContext context, string? format, string name, IReadOnlyList<TabularColumn<T>> columns, IAsyncEnumerable<T> rows, TimeProvider clock, IStringLocalizer text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(text);
        var chosen = TabularExport.Parse(format ?? "csv");
        if (chosen is null)
        {
            return FormatProblem(format, text)!;
        }

        var file = string.Create(CultureInfo.InvariantCulture, $"regia-{name}-{clock.Today():yyyy-MM-dd}.{TabularExport.Extension(chosen.Value)}");
        context.Response.ContentType = TabularExport.ContentType(chosen.Value);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
        await TabularExport.WriteAsync(context.Response.Body, chosen.Value, columns, rows, cancellationToken);
        return TypedResults.Empty;
    }
}
