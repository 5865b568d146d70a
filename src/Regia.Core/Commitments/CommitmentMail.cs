using System.Globalization;
using Regia.Core.Mail;

namespace Regia.Core.Commitments;

/// <summary>The message that tells an organisation's editors the office's decision on a commitment, in Italian with an English summary.</summary>
internal static class CommitmentMail
{
    private static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");

    public static OutgoingMail Reviewed(Commitment commitment, MailRecipient to, MailSettings settings, DateTime now)
    {
        var accepted = commitment.State == CommitmentState.Accepted;
        var code = commitment.Objective!.Code;
        var link = settings.Link(string.Create(CultureInfo.InvariantCulture, $"/gestione/adesioni/{commitment.Id}"));
        var decision = accepted
            ? $"L'Ufficio di piano della Città metropolitana di Milano ha accettato l'adesione di {to.Organization} all'obiettivo {code}: da oggi è pubblicata sulla pagina dell'obiettivo."
            : $"L'Ufficio di piano della Città metropolitana di Milano ha rimandato l'adesione di {to.Organization} all'obiettivo {code}, perché:\n{commitment.ReviewNote}\n\nSi può correggerla e presentarla di nuovo.";
        var english = accepted
            ? $"The planning office accepted {to.Organization}'s commitment to objective {code}; it is now public on the objective's page."
            : $"The planning office sent back {to.Organization}'s commitment to objective {code} with a reason (above, in Italian); it can be changed and submitted again.";
        var body = $"""
            Gentile {to.Name},

            {decision}
            {(accepted && commitment.ReviewNote is { } note ? "\nNota dell'Ufficio di piano:\n" + note + "\n" : "")}
            Contributo: {commitment.Contribution}
            Entro il: {commitment.DueOn.ToString("d MMMM yyyy", Italian)}

            L'adesione: {link}

            Regia, Piano strategico della Città metropolitana di Milano.
            Messaggio automatico: non rispondere a questo indirizzo.

            --
            {english}
            {link}
            """;
        var subject = accepted ? $"Regia: adesione all'obiettivo {code} accettata" : $"Regia: adesione all'obiettivo {code} da rivedere";
        return new OutgoingMail
        {
            // Keyed by the commitment's version: each decision is told once, a later one again.
            Key = MailOutbox.Invariant($"commitment-{commitment.Id}-v{commitment.Version}-user-{to.UserId}"),
            To = to.Email,
            Subject = subject,
            Body = body,
            CreatedAtUtc = now,
        };
    }
}
