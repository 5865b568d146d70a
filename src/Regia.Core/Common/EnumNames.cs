using System.Text.Json;

namespace Regia.Core.Common;

/// <summary>Enum values as Regia's files and API name them: kebab-case (<c>metropolitan-city</c>), as its JSON writes them.</summary>
public static class EnumNames
{
    public static string Kebab<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>The enum value whose kebab-case name is <paramref name="text"/> (case-insensitive), or null.</summary>
    public static T? Parse<T>(string text)
        where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => string.Equals(Kebab(v!.Value), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>All kebab-case names of <typeparamref name="T"/>, for error messages that say what is accepted.</summary>
    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Kebab));
}
