using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Auditing;
using Regia.Core.Data;

namespace Regia.Tests;

/// <summary>A database with the shipped plan, territory and indicators and the test actions, and contexts acting as someone.</summary>
internal static class Seeded
{
    /// <returns>The database and the id of the first test action (see <see cref="TestActions"/>).</returns>
    public static async Task<(TestDatabase Database, int FirstAction)> CreateAsync(string provider, CancellationToken cancellationToken)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        await InitializeDatabase.ExecuteAsync(db, RepositoryFiles.ShippedData, TimeProvider.System, cancellationToken);
        return (database, await TestActions.SeedAsync(db, cancellationToken));
    }

    /// <summary>A signed-in person of an organisation, with a role, on the site.</summary>
    public static async Task<Caller> CallerAsync(RegiaDbContext db, int userId, string organization, RegiaRole role, CancellationToken cancellationToken) =>
        new(userId, $"user{userId}@example.test", await TestActions.OrganizationId(db, organization, cancellationToken), organization, role, ChangeChannel.Site);

    /// <summary>A context acting as that person.</summary>
    public static async Task<RegiaDbContext> AsAsync(TestDatabase database, int userId, string organization, RegiaRole role, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        db.Caller = await CallerAsync(db, userId, organization, role, cancellationToken);
        return db;
    }

    /// <summary>An active account of an organisation, with a role and an e-mail address; its id.</summary>
    public static async Task<int> AddUserAsync(RegiaDbContext db, string email, string organization, RegiaRole role, CancellationToken cancellationToken)
    {
        var user = new RegiaUser
        {
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = email.Split('@')[0],
            OrganizationId = await TestActions.OrganizationId(db, organization, cancellationToken),
            Role = role,
            CreatedAtUtc = DateTime.UtcNow,
            SecurityStamp = Guid.NewGuid().ToString(),
        };
        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return user.Id;
    }
}
