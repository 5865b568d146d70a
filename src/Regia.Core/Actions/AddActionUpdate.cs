using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;

namespace Regia.Core.Actions;

/// <summary>A dated entry for an action's public timeline; a progress given here becomes the action's progress.</summary>
public sealed record ActionUpdateInput(DateOnly Date, string Text, decimal? Progress);

/// <summary>
/// Adds an entry to an action's timeline. Like any change to the action it names the version it was based on and
/// increments it, so an update and an edit made at the same time cannot overwrite each other.
/// </summary>
public static class AddActionUpdate
{
    /// <returns>The action's new version, or null when the action does not exist.</returns>
    public static async Task<int?> ExecuteAsync(RegiaDbContext db, int actionId, int expectedVersion, ActionUpdateInput input, TimeProvider clock, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        Validate(input, clock);
        var text = input.Text.Trim();
        var action = await db.Actions.SingleOrDefaultAsync(a => a.Id == actionId, cancellationToken).ConfigureAwait(false);
        if (action is null)
        {
            return null;
        }

        if (action.Version != expectedVersion)
        {
            throw new ActionConcurrencyException(actionId, expectedVersion, action.Version);
        }

        action.Updates.Add(new ActionUpdate { Date = input.Date, Text = text, Progress = input.Progress });
        if (input.Progress is { } progress)
        {
            action.Progress = progress;
        }

        action.Version++;
        action.UpdatedAtUtc = clock.GetUtcNow().UtcDateTime;
        db.Audit(new AuditRecord("action", () => actionId.ToString(CultureInfo.InvariantCulture), "timeline", action.UpdatedAtUtc)
        {
            After = new { date = input.Date, text, progress = input.Progress },
            Comment = comment,
            Version = () => action.Version,
            IsPublic = action.Publication == PublicationState.Published,
        });
        await SaveAction.SaveVersionedAsync(db, actionId, expectedVersion, cancellationToken).ConfigureAwait(false);
        return action.Version;
    }

    /// <exception cref="ActionValidationException">The entry breaks a rule.</exception>
    public static void Validate(ActionUpdateInput input, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = new Dictionary<string, string[]>();
        var text = input.Text?.Trim() ?? string.Empty;
        if (text.Length is 0 or > 2000)
        {
            errors["text"] = ["Il testo dell'aggiornamento è obbligatorio e non può superare 2000 caratteri."];
        }

        if (input.Progress is < 0 or > 100)
        {
            errors["progress"] = ["L'avanzamento è una percentuale da 0 a 100."];
        }

        if (input.Date > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1))
        {
            errors["date"] = ["Un aggiornamento racconta ciò che è avvenuto: la data non può essere futura."];
        }

        if (errors.Count > 0)
        {
            throw new ActionValidationException(errors);
        }
    }
}
