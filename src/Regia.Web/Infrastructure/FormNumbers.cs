using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Regia.Web.Infrastructure;

/// <summary>Numbers typed in forms, read in the reader's culture (42,5 in Italian); an unreadable one is a field error.</summary>
internal static class FormNumbers
{
    /// <returns>The number, or null when the field is empty or unreadable (then <paramref name="state"/> has the error).</returns>
    public static decimal? Percentage(ModelStateDictionary state, string field, string? value, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.CurrentCulture, out var parsed))
        {
            return parsed;
        }

        state.AddModelError(field, text["Timeline.BadProgress", value]);
        return null;
    }
}
