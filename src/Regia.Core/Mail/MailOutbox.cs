using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Regia.Core.Mail;

/// <summary>
/// Where Regia's messages go: an SMTP server when <see cref="SmtpHost"/> is set, else <c>.eml</c> files in
/// <see cref="PickupDirectory"/> (so a fresh installation works, and tests read what was sent).
/// </summary>
public sealed record MailSettings
{
    /// <summary>The sender, e.g. <c>Regia &lt;regia@cittametropolitana.mi.it&gt;</c>.</summary>
    public string From { get; init; } = "Regia <regia@localhost>";

    /// <summary>The site's public address, for links in messages (e.g. <c>https://regia.example.org</c>); without it, paths are given.</summary>
    public string? PublicUrl { get; init; }

    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    /// <summary><c>StartTls</c> (default), <c>SslOnConnect</c>, or <c>None</c> for a relay on the same host.</summary>
    public string SmtpSecurity { get; init; } = "StartTls";

    public string? SmtpUsername { get; init; }

    public string? SmtpPassword { get; init; }

    public string PickupDirectory { get; init; } = Path.Combine("App_Data", "mail");

    /// <summary>An absolute link to a path of the site, or the path itself when the public address is unknown.</summary>
    public string Link(string path) => PublicUrl is { Length: > 0 } url ? url.TrimEnd('/') + path : path;
}

/// <summary>The outbox: queue once, deliver from any instance, never twice.</summary>
public static class MailOutbox
{
    /// <summary>A message is tried this many times, then left with its last error for the operator.</summary>
    public const int MaxAttempts = 8;

    /// <summary>How long an instance holds a message it is sending before another may try.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);

    /// <summary>Queues the messages whose key is not queued yet.</summary>
    /// <returns>How many were queued.</returns>
    public static async Task<int> QueueAsync(RegiaDbContext db, IReadOnlyCollection<OutgoingMail> mails, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(mails);
        if (mails.Count == 0)
        {
            return 0;
        }

        var keys = mails.Select(m => m.Key).ToList();
        var existing = (await db.OutgoingMails.Where(m => keys.Contains(m.Key)).Select(m => m.Key).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var fresh = mails.Where(m => !existing.Contains(m.Key)).ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        db.OutgoingMails.AddRange(fresh);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return fresh.Count;
        }
        catch (DbUpdateException)
        {
            // Another instance queued the same reminders a moment earlier: the unique key kept them single.
            if (await AllQueuedAsync(db, fresh, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            throw;
        }
    }

    private static async Task<bool> AllQueuedAsync(RegiaDbContext db, List<OutgoingMail> fresh, CancellationToken cancellationToken)
    {
        foreach (var entry in db.ChangeTracker.Entries<OutgoingMail>().Where(e => e.State == EntityState.Added).ToList())
        {
            entry.State = EntityState.Detached;
        }

        var keys = fresh.Select(m => m.Key).ToList();
        return await db.OutgoingMails.CountAsync(m => keys.Contains(m.Key), cancellationToken).ConfigureAwait(false) == keys.Count;
    }

    /// <summary>
    /// Sends what is due, one message at a time: each is claimed with one conditional update (so two instances never
    /// send the same), sent, and marked sent. A failure is recorded and retried later, up to <see cref="MaxAttempts"/>.
    /// </summary>
    /// <returns>How many were sent.</returns>
    public static async Task<int> DeliverAsync(RegiaDbContext db, MailSettings settings, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        var sent = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.OutgoingMails.AsNoTracking()
            .Where(m => m.SentAtUtc == null && m.Attempts < MaxAttempts && (m.ClaimedUntilUtc == null || m.ClaimedUntilUtc < now))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(200).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in due)
        {
            now = clock.GetUtcNow().UtcDateTime;
            var until = now + ClaimFor;
            var claimed = await db.OutgoingMails
                .Where(m => m.Id == id && m.SentAtUtc == null && (m.ClaimedUntilUtc == null || m.ClaimedUntilUtc < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntilUtc, until).SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken).ConfigureAwait(false);
            if (claimed == 0)
            {
                continue;
            }

            var mail = await db.OutgoingMails.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken).ConfigureAwait(false);
            try
            {
                await SendAsync(Message(mail, settings), mail.Key, settings, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Any failure to send (server down, refused address) is recorded on the message and retried.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                // Retried after a pause that grows with the attempts (5 min, 10, 20, … up to a day).
                var retryAt = clock.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(Math.Min(5 * Math.Pow(2, mail.Attempts - 1), 24 * 60));
                var error = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
                await db.OutgoingMails.Where(m => m.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, error).SetProperty(m => m.ClaimedUntilUtc, retryAt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var sentAt = clock.GetUtcNow().UtcDateTime;
            await db.OutgoingMails.Where(m => m.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAtUtc, sentAt).SetProperty(m => m.LastError, (string?)null), cancellationToken).ConfigureAwait(false);
            sent++;
        }

        return sent;
    }

    /// <summary>The message: plain text, UTF-8, with a Message-Id made from its key (the same message if it is ever sent again).</summary>
    public static MimeMessage Message(OutgoingMail mail, MailSettings settings)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(settings);
        var message = new MimeMessage
        {
            Subject = mail.Subject,
            MessageId = mail.Key + "@regia",
            Date = new DateTimeOffset(DateTime.SpecifyKind(mail.CreatedAtUtc, DateTimeKind.Utc)),
            Body = new TextPart("plain") { Text = mail.Body },
        };
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    private static async Task SendAsync(MimeMessage message, string key, MailSettings settings, CancellationToken cancellationToken)
    {
        if (settings.SmtpHost is not { Length: > 0 } host)
        {
            // The file is named by the message's key: written again, it replaces itself instead of making a second message.
            Directory.CreateDirectory(settings.PickupDirectory);
            var target = Path.Combine(settings.PickupDirectory, key + ".eml");
            var pending = target + ".part";
            await using (var file = File.Create(pending))
            {
                await message.WriteToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(pending, target, overwrite: true);
            return;
        }

        using var smtp = new SmtpClient();
        var security = settings.SmtpSecurity.ToUpperInvariant() switch
        {
            "NONE" => SecureSocketOptions.None,
            "SSLONCONNECT" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await smtp.ConnectAsync(host, settings.SmtpPort, security, cancellationToken).ConfigureAwait(false);
        if (settings.SmtpUsername is { Length: > 0 } user)
        {
            await smtp.AuthenticateAsync(user, settings.SmtpPassword ?? "", cancellationToken).ConfigureAwait(false);
        }

        await smtp.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await smtp.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
