using Microsoft.EntityFrameworkCore;
using Regia.Core.Accounts;

namespace Regia.Core.Mail;

/// <summary>Someone Regia writes to: an active account with an e-mail address, and the organisation it acts for.</summary>
public sealed record MailRecipient(int UserId, string Email, string Name, int OrganizationId, string Organization);

/// <summary>Who receives the messages of the organisations' work (campaigns, commitments).</summary>
public static class MailRecipients
{
    /// <summary>Active editors, with an e-mail address, of the given organisations.</summary>
    public static async Task<IReadOnlyList<MailRecipient>> EditorsOfAsync(RegiaDbContext db, IEnumerable<int> organizations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = organizations.ToList();
        return await db.Users.AsNoTracking()
            .Where(u => u.OrganizationId != null && ids.Contains(u.OrganizationId.Value) && u.Role == RegiaRole.Editor && u.DisabledAtUtc == null && u.Email != null)
            .OrderBy(u => u.Id)
            .Select(u => new MailRecipient(u.Id, u.Email!, u.DisplayName, u.OrganizationId!.Value, u.Organization!.Name))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}
