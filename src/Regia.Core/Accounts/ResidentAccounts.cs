using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Mail;

namespace Regia.Core.Accounts;

/// <summary>A resident signing up to comment: the name shown with their comments, e-mail, password.</summary>
public sealed record NewResident(string Email, string DisplayName, string Password);

/// <summary>
/// Residents' accounts: a resident signs up with an e-mail address, which they confirm through a link Regia writes to
/// them (the account comments only once confirmed), or signs in with the OpenID Connect provider Regia is configured
/// with (its verified address is taken as confirmed). A resident has no organisation and no back office.
/// </summary>
public static class ResidentAccounts
{
    public const int DisplayNameMinLength = 2;

    public const int DisplayNameMaxLength = 80;

    /// <summary>
    /// Creates the account and queues the message with the confirmation link. An address already in use gets a message
    /// saying so instead, and the caller learns nothing different: the form does not tell who has an account.
    /// </summary>
    public static async Task RegisterAsync(UserManager<RegiaUser> users, RegiaDbContext db, NewResident request, MailSettings mail, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(clock);
        var email = request.Email?.Trim() ?? "";
        if (email.Length == 0 || !email.Contains('@', StringComparison.Ordinal))
        {
            throw new AccountException("email", "Indicare un indirizzo e-mail valido.");
        }

        var name = DisplayName(request.DisplayName);
        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await users.FindByEmailAsync(email).ConfigureAwait(false);
        if (existing is { Role: RegiaRole.Resident, EmailConfirmed: false })
        {
            // Signing up again is how a resident whose link expired gets another.
            await QueueConfirmationAsync(users, db, existing, mail, now, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (existing is not null)
        {
            db.OutgoingMails.Add(Message(
                MailOutbox.Invariant($"resident-exists-{existing.Id}-{now:yyyyMMddHHmm}"),
                email,
                "Regia: avete già un account",
                $"""
                Buongiorno,

                qualcuno (forse voi) ha chiesto di registrare questo indirizzo su Regia, ma un account con questo indirizzo esiste già: potete accedere da {mail.Link("/accesso")}.

                Se non siete stati voi, ignorate questo messaggio.

                --
                Someone asked to sign up with this address, which already has an account: sign in at the link above.
                """,
                now));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var user = new RegiaUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = false,
            DisplayName = name,
            OrganizationId = null,
            Role = RegiaRole.Resident,
            CreatedAtUtc = now,
        };
        var created = await users.CreateAsync(user, request.Password ?? "").ConfigureAwait(false);
        if (!created.Succeeded)
        {
            var error = created.Errors.First();
            throw new AccountException(error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email", string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        db.Audit(new AuditRecord("user", () => user.Id.ToString(CultureInfo.InvariantCulture), "register", now) { After = new { email, displayName = name, role = RegiaRoles.Resident } });
        await QueueConfirmationAsync(users, db, user, mail, now, cancellationToken).ConfigureAwait(false);
    }

    private static async Task QueueConfirmationAsync(UserManager<RegiaUser> users, RegiaDbContext db, RegiaUser user, MailSettings mail, DateTime now, CancellationToken cancellationToken)
    {
        var code = await users.GenerateEmailConfirmationTokenAsync(user).ConfigureAwait(false);
        var link = mail.Link(string.Create(CultureInfo.InvariantCulture, $"/accesso/conferma?utente={user.Id}&codice={Uri.EscapeDataString(code)}"));
        db.OutgoingMails.Add(Message(
            MailOutbox.Invariant($"resident-confirm-{user.Id}-{now:yyyyMMddHHmmss}"),
            user.Email!,
            "Regia: confermate il vostro indirizzo",
            $"""
            Buongiorno {user.DisplayName},

            per completare la registrazione su Regia, il sito del Piano strategico della Città metropolitana di Milano, aprite questo collegamento (vale un giorno):

            {link}

            Dopo la conferma potrete commentare gli obiettivi del Piano e le azioni. Se non avete chiesto voi la registrazione, ignorate questo messaggio.

            --
            To finish signing up on Regia, open the link above (valid for one day). If you did not ask to sign up, ignore this message.
            """,
            now));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Confirms a resident's address with the code of the link; false when the link is wrong or expired.</summary>
    public static async Task<bool> ConfirmAsync(UserManager<RegiaUser> users, int userId, string? code)
    {
        ArgumentNullException.ThrowIfNull(users);
        var user = await users.FindByIdAsync(userId.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (user is null || string.IsNullOrEmpty(code))
        {
            return false;
        }

        return user.EmailConfirmed || (await users.ConfirmEmailAsync(user, code).ConfigureAwait(false)).Succeeded;
    }

    /// <summary>
    /// The account of someone the OpenID Connect provider vouches for: theirs if the address has one; else a new
    /// resident account, confirmed, named as the provider names them. Null when the provider gave no verified address.
    /// </summary>
    public static async Task<RegiaUser?> FromExternalAsync(UserManager<RegiaUser> users, RegiaDbContext db, string? email, bool verified, string? name, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        if (await users.FindByEmailAsync(email.Trim()).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        if (!verified)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var user = new RegiaUser
        {
            UserName = email.Trim(),
            Email = email.Trim(),
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(name) ? email.Trim().Split('@')[0] : DisplayName(name.Length > DisplayNameMaxLength ? name[..DisplayNameMaxLength] : name),
            OrganizationId = null,
            Role = RegiaRole.Resident,
            CreatedAtUtc = now,
        };
        var created = await users.CreateAsync(user).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return null;
        }

        db.Audit(new AuditRecord("user", () => user.Id.ToString(CultureInfo.InvariantCulture), "register", now) { After = new { email = user.Email, displayName = user.DisplayName, role = RegiaRoles.Resident, via = "oidc" } });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return user;
    }

    private static string DisplayName(string? value)
    {
        var name = Common.PlainText.OneLine(value);
        if (name.Length < DisplayNameMinLength || name.Length > DisplayNameMaxLength)
        {
            throw new AccountException("displayName", string.Create(CultureInfo.InvariantCulture, $"Indicare il nome da mostrare con i commenti (da {DisplayNameMinLength} a {DisplayNameMaxLength} caratteri)."));
        }

        return name;
    }

    private static OutgoingMail Message(string key, string to, string subject, string body, DateTime now) =>
        new() { Key = key, To = to, Subject = subject, Body = body, CreatedAtUtc = now };
}
