using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Organizations;

namespace Regia.Core.Accounts;

/// <summary>A request that cannot be carried out: the message says which field and why. Nothing has been written.</summary>
public sealed class AccountException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

public sealed record NewUser(string Email, string DisplayName, string Organization, RegiaRole Role, string Password);

public sealed record UserSummary(int Id, string Email, string DisplayName, string Organization, RegiaRole Role, DateTime CreatedAtUtc, DateTime? DisabledAtUtc, DateTimeOffset? LockedOutUntil);

/// <summary>Accounts: add, list, disable. Every change is in the audit trail (never the password).</summary>
public static class UserAccounts
{
    public static async Task<RegiaUser> AddAsync(UserManager<RegiaUser> users, RegiaDbContext db, NewUser request, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(clock);
        var email = request.Email?.Trim() ?? string.Empty;
        if (email.Length == 0)
        {
            throw new AccountException("email", "Indicare l'indirizzo e-mail.");
        }

        var displayName = string.IsNullOrWhiteSpace(request.DisplayName) ? email : request.DisplayName.Trim();
        var organization = await FindOrganizationAsync(db, request.Organization, cancellationToken).ConfigureAwait(false);
        var user = new RegiaUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            OrganizationId = organization.Id,
            Role = request.Role,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        db.Audit(new AuditRecord("user", () => user.Id.ToString(CultureInfo.InvariantCulture), "create", user.CreatedAtUtc)
        {
            After = new { email, displayName, organization = organization.Name, role = RegiaRoles.NameOf(request.Role) },
        });
        var result = await users.CreateAsync(user, request.Password ?? string.Empty).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            db.DiscardPendingAudit();
            var error = result.Errors.First();
            throw new AccountException(error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email", string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        return user;
    }

    public static async Task<IReadOnlyList<UserSummary>> ListAsync(RegiaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Users.AsNoTracking().Include(u => u.Organization).OrderBy(u => u.Email).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(u => new UserSummary(u.Id, u.Email!, u.DisplayName, u.Organization?.Name ?? "", u.Role, u.CreatedAtUtc, u.DisabledAtUtc, u.LockoutEnd)).ToList();
    }

    /// <summary>Disables an account: it can no longer sign in, its sessions end at their next check, its tokens stop working.</summary>
    public static async Task<RegiaUser> DisableAsync(UserManager<RegiaUser> users, RegiaDbContext db, string email, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var user = await users.FindByEmailAsync(email?.Trim() ?? string.Empty).ConfigureAwait(false)
            ?? throw new AccountException("email", $"Nessun account con indirizzo «{email}».");
        if (user.DisabledAtUtc is not null)
        {
            return user;
        }

        user.DisabledAtUtc = clock.GetUtcNow().UtcDateTime;
        user.LockoutEnabled = true;
        user.LockoutEnd = DateTimeOffset.MaxValue;
        db.Audit(new AuditRecord("user", () => user.Id.ToString(CultureInfo.InvariantCulture), "disable", user.DisabledAtUtc.Value)
        {
            Before = new { disabled = false },
            After = new { disabled = true },
        });
        // A new security stamp ends the account's signed-in sessions at their next validation.
        var result = await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            db.DiscardPendingAudit();
            throw new AccountException("email", string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        return user;
    }

    /// <summary>An organisation by id, tax code, IPA code or exact name (case ignored).</summary>
    public static async Task<Organization> FindOrganizationAsync(RegiaDbContext db, string? selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var key = selector?.Trim() ?? string.Empty;
        if (key.Length == 0)
        {
            throw new AccountException("organization", "Indicare il soggetto (id, codice fiscale, codice IPA o denominazione).");
        }

        var all = await db.Organizations.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var found = all.Where(o =>
            o.Id.ToString(CultureInfo.InvariantCulture) == key
            || string.Equals(o.TaxCode, key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(o.IpaCode, key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(o.Name, key, StringComparison.OrdinalIgnoreCase)).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new AccountException("organization", $"Nessun soggetto corrisponde a «{key}»."),
            _ => throw new AccountException("organization", $"Più soggetti corrispondono a «{key}»: indicare l'id."),
        };
    }
}

public sealed record NewApiToken(string Token, ApiToken Record);

public sealed record ApiTokenSummary(int Id, string Name, string Prefix, DateTime CreatedAtUtc, DateTime ExpiresAtUtc, DateTime? RevokedAtUtc, DateTime? LastUsedAtUtc);

/// <summary>API tokens: created (shown once), checked by hash, revoked. Every creation and revocation is audited.</summary>
public static class ApiTokens
{
    public const string TokenPrefix = "regia_";
    public const int DefaultDays = 90;
    public const int MaximumDays = 365;

    public static async Task<NewApiToken> CreateAsync(RegiaDbContext db, int userId, string name, int? days, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > 100)
        {
            throw new AccountException("name", "Il nome del token è obbligatorio (al massimo 100 caratteri): serve a riconoscerlo.");
        }

        var validity = days ?? DefaultDays;
        if (validity is < 1 or > MaximumDays)
        {
            throw new AccountException("expires", string.Create(CultureInfo.InvariantCulture, $"La durata di un token va da 1 a {MaximumDays} giorni."));
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false)
            ?? throw new AccountException("email", "L'account non esiste.");
        if (user.DisabledAtUtc is not null)
        {
            throw new AccountException("email", "L'account è disattivato: non può avere token.");
        }

        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        var record = new ApiToken
        {
            UserId = user.Id,
            Name = trimmed,
            Hash = HashOf(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            CreatedAtUtc = now,
            ExpiresAtUtc = now.AddDays(validity),
        };
        db.ApiTokens.Add(record);
        db.Audit(new AuditRecord("token", () => record.Id.ToString(CultureInfo.InvariantCulture), "create", now)
        {
            After = new { user = user.Email, name = record.Name, prefix = record.Prefix, expiresAtUtc = record.ExpiresAtUtc },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new NewApiToken(token, record);
    }

    public static async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(RegiaDbContext db, int userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAtUtc)
            .Select(t => new ApiTokenSummary(t.Id, t.Name, t.Prefix, t.CreatedAtUtc, t.ExpiresAtUtc, t.RevokedAtUtc, t.LastUsedAtUtc))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes a token of the caller's own (administrators may revoke anyone's). False when there is no such token.</summary>
    public static async Task<bool> RevokeAsync(RegiaDbContext db, int tokenId, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var caller = db.Caller;
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId, cancellationToken).ConfigureAwait(false);
        if (token is null || (token.UserId != caller.UserId && !caller.IsAdministrator))
        {
            return false;
        }

        if (token.RevokedAtUtc is null)
        {
            token.RevokedAtUtc = clock.GetUtcNow().UtcDateTime;
            db.Audit(new AuditRecord("token", () => token.Id.ToString(CultureInfo.InvariantCulture), "revoke", token.RevokedAtUtc.Value)
            {
                Before = new { revoked = false },
                After = new { revoked = true },
            });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The owner of a valid token (not expired, not revoked, account enabled and not locked out), or null.</summary>
    public static async Task<RegiaUser?> AuthenticateAsync(RegiaDbContext db, string token, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrEmpty(token) || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        var hash = HashOf(token);
        var now = clock.GetUtcNow();
        var record = await db.ApiTokens.Include(t => t.User).ThenInclude(u => u!.Organization)
            .SingleOrDefaultAsync(t => t.Hash == hash, cancellationToken).ConfigureAwait(false);
        if (record?.User is not { } user || record.RevokedAtUtc is not null || record.ExpiresAtUtc <= now.UtcDateTime
            || user.DisabledAtUtc is not null || user.LockoutEnd > now)
        {
            return null;
        }

        // Bookkeeping, not a change of data: at most once a minute, so reads do not become writes.
        if (record.LastUsedAtUtc is null || now.UtcDateTime - record.LastUsedAtUtc > TimeSpan.FromMinutes(1))
        {
            record.LastUsedAtUtc = now.UtcDateTime;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return user;
    }

    internal static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
