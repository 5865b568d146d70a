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
}
