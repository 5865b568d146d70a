using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Regia.Core.Common;

/// <summary>
/// The JSON of API v1: web defaults (camelCase), enum values as kebab-case names and never as numbers, every property
/// written (nulls too), Italian letters as they are. The site configures its endpoints with it; clients written in
/// .NET (the tests, the load benchmark) read and write with the same options.
/// </summary>
public static class ApiJson
{
    /// <summary>The options, ready to use (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = Created();

    /// <summary>Applies the API's settings to options someone else created (ASP.NET Core's).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

        // Italian letters as they are ("città", not "citt\u00e0"); characters unsafe in HTML stay escaped.
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
    }

    private static JsonSerializerOptions Created()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
