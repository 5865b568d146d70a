using Microsoft.AspNetCore.Mvc.ModelBinding;
using Regia.Core.Actions;

namespace Regia.Web.Infrastructure;

/// <summary>Core's rule messages (keyed by camelCase field) shown beside the page's own fields.</summary>
internal static class FormErrors
{
    /// <param name="state">The page's model state.</param>
    /// <param name="invalid">The refusal, with messages by field.</param>
    /// <param name="field">The form field a Core key names; by default the page property of the same name (<c>text</c> → <c>Text</c>).</param>
    public static void Add(ModelStateDictionary state, ActionValidationException invalid, Func<string, string>? field = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(invalid);
        foreach (var (key, messages) in invalid.Errors)
        {
            state.AddModelError(field?.Invoke(key) ?? char.ToUpperInvariant(key[0]) + key[1..], string.Join(" ", messages));
        }
    }
}
