using System.Globalization;

namespace Regia.Web.Infrastructure;

/// <summary>
/// This running instance of the site, as it names itself in work shared with other instances over one database
/// (import jobs it claims): host, process, and a random part, since two instances may share a host and even a process
/// (tests).
/// </summary>
internal sealed class SiteInstance
{
    public string Name { get; } = string.Create(CultureInfo.InvariantCulture, $"{Truncate(Environment.MachineName, 64)}/{Environment.ProcessId}/{Guid.NewGuid():N}");

    private static string Truncate(string value, int length) => value.Length > length ? value[..length] : value;
}
