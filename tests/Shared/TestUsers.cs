using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Regia.Core;
using Regia.Core.Accounts;

namespace Regia.Tests;

/// <summary>Accounts for tests (test data: example.test addresses), made with the same operations as the command line.</summary>
public static class TestUsers
{
    public const string Password = "una password lunga di prova";

    /// <summary>Creates an account in the application's database and, if asked, an API token; returns the token or null.</summary>
    public static async Task<string?> CreateAsync(IServiceProvider services, string email, string organization, RegiaRole role, bool withToken = true)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        var user = await UserAccounts.AddAsync(scope.ServiceProvider.GetRequiredService<UserManager<RegiaUser>>(), db, new NewUser(email, email, organization, role, Password), TimeProvider.System);
        return withToken ? (await ApiTokens.CreateAsync(db, user.Id, "test", 30, TimeProvider.System)).Token : null;
    }

    /// <summary>Signs a client in through the sign-in page, as a person does (antiforgery token included).</summary>
    public static async Task SignInAsync(HttpClient client, string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsync(new Uri("/accesso", UriKind.Relative), await SignInFormAsync(client, email, Password, cancellationToken), cancellationToken);
        // Staff land on /gestione, residents on the home page; a failure shows the form again.
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.StartsWith("/accesso", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode}.");
        }
    }

    /// <summary>The sign-in form's fields with the antiforgery token of a fresh GET.</summary>
    public static async Task<FormUrlEncodedContent> SignInFormAsync(HttpClient client, string email, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync(new Uri("/accesso", UriKind.Relative), cancellationToken);
        return new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = AntiforgeryToken(page) });
    }

    public static string AntiforgeryToken(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } token
            ? token
            : throw new InvalidOperationException("No antiforgery token in the page.");
}
