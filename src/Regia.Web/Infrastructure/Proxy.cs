using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Regia.Web.Infrastructure;

/// <summary>
/// Behind a reverse proxy that terminates HTTPS: the client's address and scheme come from the proxy's
/// X-Forwarded-For and X-Forwarded-Proto, believed only from the proxies the operator names
/// (Regia:Proxy:KnownProxies, addresses; Regia:Proxy:KnownNetworks, CIDR ranges). Outside development, plain HTTP is
/// redirected to HTTPS and answers over HTTPS carry HSTS, unless Regia:HttpsOnly is false (a trusted network).
/// </summary>
internal static class Proxy
{
    public static void AddRegiaProxy(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Regia:Proxy");
        var proxies = Values(section, "KnownProxies").Select(value => IPAddress.TryParse(value, out var address)
            ? address
            : throw new InvalidOperationException($"Regia:Proxy:KnownProxies: «{value}» is not an IP address."));
        var networks = Values(section, "KnownNetworks").Select(value => System.Net.IPNetwork.TryParse(value, out var network)
            ? network
            : throw new InvalidOperationException($"Regia:Proxy:KnownNetworks: «{value}» is not a network in CIDR notation (e.g. 10.0.0.0/8)."));
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the named proxies: loopback is trusted by default, and stays so only if named.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = false;
        });
    }

    /// <summary>First in the pipeline, so that every later part sees the client's scheme and address.</summary>
    public static void UseRegiaProxy(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment() && app.Configuration.GetValue("Regia:HttpsOnly", true))
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
    }

    private static IEnumerable<string> Values(IConfigurationSection section, string key)
    {
        // Either a list (KnownProxies:0, KnownProxies:1 …) or one value separated by commas (an environment variable).
        var list = section.GetSection(key).GetChildren().Select(child => child.Value).OfType<string>().ToList();
        if (section[key] is { Length: > 0 } single)
        {
            list.AddRange(single.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return list.Where(value => value.Length > 0);
    }
}
