using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Regia.Tests;

/// <summary>Every UI string goes through resources, in Italian and English alike.</summary>
public sealed partial class ResourceTests
{
    private static readonly string WebProject = Path.GetFullPath(Path.Combine(
        typeof(ResourceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!,
        "..", "..", "src", "Regia.Web"));

    private static Dictionary<string, string> Keys(string file) =>
        XDocument.Load(Path.Combine(WebProject, "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    [Fact]
    public void Italian_and_english_resources_have_the_same_keys_and_no_empty_value()
    {
        var italian = Keys("SharedResource.resx");
        var english = Keys("SharedResource.en.resx");

        Assert.Equal(italian.Keys.Order(StringComparer.Ordinal), english.Keys.Order(StringComparer.Ordinal));
        Assert.All(italian.Concat(english), pair => Assert.False(string.IsNullOrWhiteSpace(pair.Value), pair.Key));
    }

    [Fact]
    public void Every_key_the_code_asks_for_exists()
    {
        var keys = Keys("SharedResource.resx").Keys.ToHashSet(StringComparer.Ordinal);
        var used = Directory.EnumerateFiles(WebProject, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.True(keys.Contains(u.Key), $"{u.File} asks for '{u.Key}', which is not in SharedResource.resx"));
    }

    [Fact]
    public void Keys_built_from_enum_values_exist()
    {
        var keys = Keys("SharedResource.resx").Keys.ToHashSet(StringComparer.Ordinal);
        var built = Enum.GetNames<Regia.Core.Plans.PlanStatus>().Select(n => "PlanStatus." + n)
            .Concat(Enum.GetNames<Regia.Core.Plans.ActorLevel>().Select(n => "Actor." + n));

        Assert.All(built, key => Assert.Contains(key, keys));
    }

    // T["Key"] and text["Key"]; keys built at run time ("Actor." + level) are checked by rendering the pages.
    [GeneratedRegex("""\b(?:T|text)\["([A-Za-z]+\.[A-Za-z.]+)"\s*[\],]""")]
    private static partial Regex LiteralKey();
}
