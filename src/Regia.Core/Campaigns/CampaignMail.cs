using System.Globalization;
using Regia.Core.Mail;

namespace Regia.Core.Campaigns;

/// <summary>The messages of a campaign, in Italian with an English summary; each keyed by campaign, kind and recipient.</summary>
internal static class CampaignMail
{
    private static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static OutgoingMail Opened(UpdateCampaign campaign, MailRecipient to, int actions, MailSettings settings, DateTime now) =>
        Mail(campaign, to, "opened", now,
            $"Regia: campagna «{campaign.Title}» aperta, scadenza {campaign.Deadline.ToString("d MMMM yyyy", Italian)}",
            $"L'Ufficio di piano della Città metropolitana di Milano ha aperto la campagna di monitoraggio «{campaign.Title}».",
            $"{to.Organization} ha {Actions(actions)} da aggiornare, o da confermare se nulla è cambiato, entro il {campaign.Deadline.ToString("d MMMM yyyy", Italian)}.",
            $"The planning office opened the update campaign \"{campaign.Title}\": {to.Organization} has {actions.ToString(CultureInfo.InvariantCulture)} action(s) to update or confirm by {campaign.Deadline.ToString("d MMMM yyyy", English)}.",
            campaign.Instructions, settings);

    public static OutgoingMail Reminder(UpdateCampaign campaign, MailRecipient to, int pending, bool overdue, MailSettings settings, DateTime now) =>
        overdue
            ? Mail(campaign, to, "overdue", now,
                $"Regia: campagna «{campaign.Title}» scaduta, {Actions(pending)} ancora da aggiornare",
                $"La campagna di monitoraggio «{campaign.Title}» è scaduta il {campaign.Deadline.ToString("d MMMM yyyy", Italian)}.",
                $"{to.Organization} ha ancora {Actions(pending)} né aggiornate né confermate: vi chiediamo di completarle al più presto.",
                $"The update campaign \"{campaign.Title}\" closed for updates on {campaign.Deadline.ToString("d MMMM yyyy", English)}; {to.Organization} still has {pending.ToString(CultureInfo.InvariantCulture)} action(s) neither updated nor confirmed.",
                campaign.Instructions, settings)
            : Mail(campaign, to, "before", now,
                $"Regia: promemoria, campagna «{campaign.Title}» in scadenza il {campaign.Deadline.ToString("d MMMM yyyy", Italian)}",
                $"La campagna di monitoraggio «{campaign.Title}» scade il {campaign.Deadline.ToString("d MMMM yyyy", Italian)}.",
                $"{to.Organization} ha ancora {Actions(pending)} da aggiornare o confermare.",
                $"Reminder: the update campaign \"{campaign.Title}\" is due on {campaign.Deadline.ToString("d MMMM yyyy", English)}; {to.Organization} has {pending.ToString(CultureInfo.InvariantCulture)} action(s) left to update or confirm.",
                campaign.Instructions, settings);

    private static string Actions(int count) => count == 1 ? "1 azione" : count.ToString(Italian) + " azioni";

    private static OutgoingMail Mail(UpdateCampaign campaign, MailRecipient to, string kind, DateTime now, string subject, string opening, string ask, string english, string? instructions, MailSettings settings)
    {
        var link = settings.Link("/gestione/aggiornamenti");
        var body = $"""
            Gentile {to.Name},

            {opening}
            {ask}
            {(instructions is null ? "" : "\nIndicazioni dell'Ufficio di piano:\n" + instructions + "\n")}
            L'elenco delle azioni, con ciò che manca a ciascuna, è in «I miei aggiornamenti»:
            {link}

            Regia, Piano strategico della Città metropolitana di Milano.
            Messaggio automatico: non rispondere a questo indirizzo.

            --
            {english}
            Your list: {link}
            """;
        return new OutgoingMail
        {
            Key = MailOutbox.Invariant($"campaign-{campaign.Id}-{kind}-user-{to.UserId}"),
            To = to.Email,
            Subject = subject.Length > 300 ? subject[..299] + "…" : subject,
            Body = body,
            CreatedAtUtc = now,
        };
    }
}
