using Regia.Core.Common;

namespace Regia.Web.Infrastructure;

/// <summary>Query-string values as the API names them: enums in kebab-case, as its JSON writes them (see <see cref="EnumNames"/>).</summary>
internal static class ApiQuery
{
    public static string Kebab<T>(T value)
        where T : struct, Enum => EnumNames.Kebab(value);

    /// <summary>The enum value whose kebab-case name is <paramref name="text"/> (case-insensitive), or null.</summary>
    public static T? ParseEnum<T>(string text)
        where T : struct, Enum => EnumNames.Parse<T>(text);

    /// <summary>All kebab-case names of <typeparamref name="T"/>, for error messages that say what is accepted.</summary>
    public static string Names<T>()
        where T : struct, Enum => EnumNames.Names<T>();
}
