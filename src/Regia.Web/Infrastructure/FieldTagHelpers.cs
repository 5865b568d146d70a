using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Regia.Web.Infrastructure;

/// <summary>
/// <c>regia-field="Form.Title"</c> on an input, select or textarea: sets its name and id and, when the server refused
/// the value, marks it invalid and ties it to its message (<c>aria-describedby</c>), as WCAG 3.3.1 asks.
/// </summary>
[HtmlTargetElement("input", Attributes = AttributeName)]
[HtmlTargetElement("select", Attributes = AttributeName)]
[HtmlTargetElement("textarea", Attributes = AttributeName)]
public sealed class FieldTagHelper : TagHelper
{
    private const string AttributeName = "regia-field";

    [HtmlAttributeName(AttributeName)]
    public string Name { get; set; } = string.Empty;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var id = FieldIds.Of(Name);
        if (output.TagMode == TagMode.SelfClosing)
        {
            // Written <input … /> for Razor; sent as <input …>, as HTML writes void elements.
            output.TagMode = TagMode.StartTagOnly;
        }

        output.Attributes.SetAttribute("name", Name);
        if (!output.Attributes.ContainsName("id"))
        {
            output.Attributes.SetAttribute("id", id);
        }

        if (FieldIds.Error(ViewContext, Name) is not null)
        {
            var css = output.Attributes["class"]?.Value?.ToString();
            output.Attributes.SetAttribute("class", string.IsNullOrEmpty(css) ? "is-invalid" : css + " is-invalid");
            output.Attributes.SetAttribute("aria-invalid", "true");
            var described = output.Attributes["aria-describedby"]?.Value?.ToString();
            output.Attributes.SetAttribute("aria-describedby", string.IsNullOrEmpty(described) ? id + "-error" : described + " " + id + "-error");
        }
    }
}

/// <summary><c>&lt;field-error name="Form.Title"&gt;</c>: the server's message for that field, or nothing.</summary>
[HtmlTargetElement("field-error", Attributes = "name", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldErrorTagHelper : TagHelper
{
    public string Name { get; set; } = string.Empty;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (FieldIds.Error(ViewContext, Name) is not { } message)
        {
            output.SuppressOutput();
            return;
        }

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", FieldIds.Of(Name) + "-error");
        output.Attributes.SetAttribute("class", "invalid-feedback d-block");
        output.Content.SetContent(message);
    }
}

internal static class FieldIds
{
    public static string Of(string name) => name.Replace('.', '_').Replace('[', '_').Replace(']', '_');

    public static string? Error(ViewContext context, string name) =>
        context.ViewData.ModelState.TryGetValue(name, out var entry) && entry.Errors.Count > 0
            ? string.Join(" ", entry.Errors.Select(e => e.ErrorMessage))
            : null;
}
