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

    /// <summary>
    /// A refused operation's message beside its field: the Core field (<c>dueOn</c>) names the page property
    /// (<c>DueOn</c>) when the page has one among <paramref name="fields"/>, else the message heads the form.
    /// </summary>
    public static void Add(ModelStateDictionary state, Regia.Core.Common.OperationRefusedException refused, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(refused);
        var property = char.ToUpperInvariant(refused.Field[0]) + refused.Field[1..];
        state.AddModelError(fields.Contains(property, StringComparer.Ordinal) ? property : string.Empty, refused.Message);
    }
}
