using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Actions;
using Regia.Core.Auditing;
using Regia.Core.Data;
using Regia.Core.Proposals;

namespace Regia.Tests;

/// <summary>Two-step validation, the audit trail and API tokens, on SQLite and PostgreSQL (all data here is test data).</summary>
public sealed class ReviewTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;



    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_proposal_changes_nothing_public_until_approved_and_then_applies_in_one_step(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        var milanoAction = first + 1;
        int proposalId;
        await using (var editor = await Seeded.AsAsync(database, 10, "Comune di Milano", RegiaRole.Editor, Cancel))
        {
            var input = (await ActionSnapshot.InputOfAsync(editor, milanoAction, Cancel))!.Value.Input;
            var outcome = await ChangeAction.UpdateAsync(editor, milanoAction, 1, input with { Title = "Titolo proposto (test)" }, TimeProvider.System, Cancel);
            Assert.False(outcome!.Applied);
            proposalId = outcome.Proposal!.Id;
        }

        await using (var reader = database.CreateContext())
        {
            var action = await reader.Actions.AsNoTracking().SingleAsync(a => a.Id == milanoAction, Cancel);
            Assert.Equal(("Prova 2 (test)", 1), (action.Title, action.Version));
            Assert.Equal(ProposalState.Pending, (await reader.Proposals.SingleAsync(Cancel)).State);
        }

        await using (var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel))
        {
            var approved = await ReviewProposal.ApproveAsync(reviewer, proposalId, TimeProvider.System, "Va bene.", Cancel);
            Assert.Equal(2, approved.Version);
        }

        await using (var reader = database.CreateContext())
        {
            var action = await reader.Actions.AsNoTracking().SingleAsync(a => a.Id == milanoAction, Cancel);
            Assert.Equal(("Titolo proposto (test)", 2), (action.Title, action.Version));
            var proposal = await reader.Proposals.SingleAsync(Cancel);
            Assert.Equal((ProposalState.Approved, 20, "Va bene."), (proposal.State, proposal.ReviewedByUserId, proposal.ReviewComment));
            var history = await ActionHistory.PublicAsync(reader, milanoAction, Cancel);
            var change = Assert.Single(history[0].Changes);
            Assert.Equal(("title", "Prova 2 (test)", "Titolo proposto (test)"), (change.Field, change.Before, change.After));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Editors_change_only_what_their_organisation_leads_viewers_nothing_and_a_refusal_writes_nothing(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        var milanoAction = first + 1;
        await using var sesto = await Seeded.AsAsync(database, 11, "Comune di Sesto San Giovanni", RegiaRole.Editor, Cancel);
        await using var viewer = await Seeded.AsAsync(database, 12, "Comune di Milano", RegiaRole.Viewer, Cancel);
        await using var milano = await Seeded.AsAsync(database, 10, "Comune di Milano", RegiaRole.Editor, Cancel);
        var input = (await ActionSnapshot.InputOfAsync(sesto, milanoAction, Cancel))!.Value.Input;
        var entries = await sesto.AuditEntries.CountAsync(Cancel);

        await Assert.ThrowsAsync<ActionForbiddenException>(() => ChangeAction.UpdateAsync(sesto, milanoAction, 1, input, TimeProvider.System, Cancel));
        await Assert.ThrowsAsync<ActionForbiddenException>(() => ChangeAction.DeleteAsync(sesto, milanoAction, 1, TimeProvider.System, Cancel));
        await Assert.ThrowsAsync<ActionForbiddenException>(() => ChangeAction.CreateAsync(sesto, input, TimeProvider.System, Cancel));
        await Assert.ThrowsAsync<ActionForbiddenException>(() => ChangeAction.UpdateAsync(viewer, milanoAction, 1, input, TimeProvider.System, Cancel));
        await Assert.ThrowsAsync<ActionForbiddenException>(() => ChangeAction.AddTimelineEntryAsync(viewer, milanoAction, 1, new ActionUpdateInput(new DateOnly(2026, 1, 1), "No (test).", null), TimeProvider.System, Cancel));
        // Handing the action to another lead is not an editor's call.
        await Assert.ThrowsAsync<ActionForbiddenException>(() => ChangeAction.UpdateAsync(milano, milanoAction, 1, input with { LeadOrganizationId = sesto.Caller.OrganizationId!.Value }, TimeProvider.System, Cancel));
        // A proposal that breaks a rule is refused when made, not when reviewed.
        var invalid = await Assert.ThrowsAsync<ActionValidationException>(() => ChangeAction.UpdateAsync(milano, milanoAction, 1, input with { Cup = "X" }, TimeProvider.System, Cancel));
        Assert.Contains("cup", invalid.Errors.Keys);

        await using var reader = database.CreateContext();
        Assert.Equal(0, await reader.Proposals.CountAsync(Cancel));
        Assert.Equal(entries, await reader.AuditEntries.CountAsync(Cancel));
        Assert.Equal(1, (await reader.Actions.SingleAsync(a => a.Id == milanoAction, Cancel)).Version);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_stale_proposal_is_refused_on_approval_and_a_sent_back_one_applies_nothing(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        var milanoAction = first + 1;
        await using var editor = await Seeded.AsAsync(database, 10, "Comune di Milano", RegiaRole.Editor, Cancel);
        await using var reviewer = await Seeded.AsAsync(database, 20, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
        var input = (await ActionSnapshot.InputOfAsync(editor, milanoAction, Cancel))!.Value.Input;
        var stale = (await ChangeAction.UpdateAsync(editor, milanoAction, 1, input with { Title = "Dell'editor (test)" }, TimeProvider.System, Cancel))!.Proposal!.Id;

        // The reviewer edits the action directly meanwhile: the editor's proposal is now based on an old version.
        await ChangeAction.UpdateAsync(reviewer, milanoAction, 1, input with { Title = "Del revisore (test)" }, TimeProvider.System, Cancel);
        Assert.True((await ProposalQueries.GetAsync(reviewer, stale, Cancel))!.IsStale);
        await Assert.ThrowsAsync<ActionConcurrencyException>(() => ReviewProposal.ApproveAsync(reviewer, stale, TimeProvider.System, cancellationToken: Cancel));
        await Assert.ThrowsAsync<ActionValidationException>(() => ReviewProposal.SendBackAsync(reviewer, stale, "  ", TimeProvider.System, Cancel));
        await ReviewProposal.SendBackAsync(reviewer, stale, "Ripresentarla sulla versione attuale.", TimeProvider.System, Cancel);
        await Assert.ThrowsAsync<ProposalStateException>(() => ReviewProposal.ApproveAsync(reviewer, stale, TimeProvider.System, cancellationToken: Cancel));

        await using var reader = database.CreateContext();
        var action = await reader.Actions.AsNoTracking().SingleAsync(a => a.Id == milanoAction, Cancel);
        Assert.Equal(("Del revisore (test)", 2), (action.Title, action.Version));
        var proposal = await reader.Proposals.SingleAsync(Cancel);
        Assert.Equal((ProposalState.SentBack, "Ripresentarla sulla versione attuale."), (proposal.State, proposal.ReviewComment));
        Assert.Equal(["propose", "send-back"], await reader.AuditEntries.Where(a => a.EntityType == "proposal").OrderBy(a => a.Id).Select(a => a.Operation).ToListAsync(Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_audit_trail_cannot_be_changed_and_no_change_is_saved_without_it(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        await using var db = database.CreateContext();
        var entries = await db.AuditEntries.CountAsync(Cancel);
        Assert.True(entries >= 6, "the seed, the loads and the four test actions are recorded");
        var created = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "action" && a.Operation == "create").OrderBy(a => a.Id).FirstAsync(Cancel);
        Assert.Equal((ChangeChannel.System, $"{first}", 1), (created.Channel, created.EntityId, created.Version));
        Assert.Equal("Azione di prova: rete ciclabile tra Comuni (dati di test)", AuditJson.Deserialize<Dictionary<string, string>>(created.After)!["title"]);

        // Not through the application…
        var entry = await db.AuditEntries.FirstAsync(Cancel);
        entry.Comment = "ritoccato";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Cancel));
        db.ChangeTracker.Clear();
        var action = await db.Actions.FirstAsync(Cancel);
        action.Title = "Cambiato senza registro";
        await Assert.ThrowsAsync<UnauditedChangeException>(() => db.SaveChangesAsync(Cancel));
        db.ChangeTracker.Clear();

        // …nor by SQL sent straight to the database.
        var postgres = db.Database.IsNpgsql();
        var update = postgres ? "UPDATE \"AuditEntries\" SET \"Comment\" = 'x'" : "UPDATE AuditEntries SET Comment = 'x'";
        var delete = postgres ? "DELETE FROM \"AuditEntries\"" : "DELETE FROM AuditEntries";
        Assert.Contains("append-only", (await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(update, Cancel))).Message, StringComparison.Ordinal);
        Assert.Contains("append-only", (await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(delete, Cancel))).Message, StringComparison.Ordinal);
        Assert.Equal(entries, await db.AuditEntries.CountAsync(Cancel));
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Comment == "x" || a.Comment == "ritoccato", Cancel));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_token_works_until_it_expires_is_revoked_or_its_account_is_disabled_and_only_its_hash_is_stored(string provider)
    {
        var (database, _) = await Seeded.CreateAsync(provider, Cancel);
        await using var __ = database;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped(_ => database.CreateContext());
        services.AddRegiaIdentityCore();
        await using var provider2 = services.BuildServiceProvider();
        await using var scope = provider2.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<RegiaUser>>();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

        var weak = await Assert.ThrowsAsync<AccountException>(() => UserAccounts.AddAsync(users, db, new NewUser("corta@example.test", "", "Comune di Milano", RegiaRole.Editor, "breve"), clock, Cancel));
        Assert.Equal(("password", "La password deve avere almeno 12 caratteri."), (weak.Field, weak.Message));
        await Assert.ThrowsAsync<AccountException>(() => UserAccounts.AddAsync(users, db, new NewUser("x@example.test", "", "Ente inesistente", RegiaRole.Editor, TestUsers.Password), clock, Cancel));
        var user = await UserAccounts.AddAsync(users, db, new NewUser("editor@example.test", "Editor di prova", "Comune di Milano", RegiaRole.Editor, TestUsers.Password), clock, Cancel);
        var expiring = await ApiTokens.CreateAsync(db, user.Id, "breve", 1, clock, Cancel);
        var revoked = await ApiTokens.CreateAsync(db, user.Id, "da revocare", 30, clock, Cancel);
        var lasting = await ApiTokens.CreateAsync(db, user.Id, "lungo", 30, clock, Cancel);

        Assert.Equal(user.Id, (await ApiTokens.AuthenticateAsync(db, expiring.Token, clock, Cancel))?.Id);
        Assert.DoesNotContain(await db.ApiTokens.Select(t => t.Hash).ToListAsync(Cancel), h => h.Contains(expiring.Token, StringComparison.Ordinal) || expiring.Token.Contains(h, StringComparison.Ordinal));
        Assert.Null(await ApiTokens.AuthenticateAsync(db, expiring.Token + "x", clock, Cancel));

        db.Caller = new Caller(user.Id, "editor@example.test", user.OrganizationId, "Comune di Milano", RegiaRole.Editor, ChangeChannel.Site);
        Assert.True(await ApiTokens.RevokeAsync(db, revoked.Record.Id, clock, Cancel));
        Assert.Null(await ApiTokens.AuthenticateAsync(db, revoked.Token, clock, Cancel));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Null(await ApiTokens.AuthenticateAsync(db, expiring.Token, clock, Cancel));
        Assert.NotNull(await ApiTokens.AuthenticateAsync(db, lasting.Token, clock, Cancel));

        await UserAccounts.DisableAsync(users, db, "editor@example.test", clock, Cancel);
        Assert.Null(await ApiTokens.AuthenticateAsync(db, lasting.Token, clock, Cancel));
        Assert.Equal(["create", "disable"], await db.AuditEntries.Where(a => a.EntityType == "user").OrderBy(a => a.Id).Select(a => a.Operation).ToListAsync(Cancel));
        Assert.Equal(4, await db.AuditEntries.CountAsync(a => a.EntityType == "token", Cancel));
        Assert.DoesNotContain(await db.AuditEntries.Select(a => a.After ?? "").ToListAsync(Cancel), a => a.Contains(TestUsers.Password, StringComparison.Ordinal) || a.Contains(lasting.Token, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_status_list_is_configurable_and_a_status_in_use_cannot_be_removed(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var _ = database;
        await using var db = database.CreateContext();

        var added = await ActionStatuses.SaveAsync(db, "in-collaudo", "In collaudo", 90, null, TimeProvider.System, Cancel);
        Assert.Equal(7, added.Position);
        await ActionStatuses.SaveAsync(db, "in-collaudo", "In collaudo tecnico", 95, 4, TimeProvider.System, Cancel);
        var bad = await Assert.ThrowsAsync<ActionValidationException>(() => ActionStatuses.SaveAsync(db, "In Collaudo!", "", 120, null, TimeProvider.System, Cancel));
        Assert.Equal(["code", "name", "presetProgress"], bad.Errors.Keys.Order(StringComparer.Ordinal));
        var used = await Assert.ThrowsAsync<ActionValidationException>(() => ActionStatuses.RemoveAsync(db, "in-corso", TimeProvider.System, Cancel));
        Assert.Contains("è usato da", used.Errors["code"][0], StringComparison.Ordinal);

        // An action given the new status without a progress takes the status's preset.
        var input = (await ActionSnapshot.InputOfAsync(db, first, Cancel))!.Value.Input;
        var action = await SaveAction.UpdateAsync(db, first, 1, input with { Status = "in-collaudo", Progress = null }, TimeProvider.System, cancellationToken: Cancel);
        Assert.Equal(95m, action!.Progress);
        Assert.True(await ActionStatuses.RemoveAsync(db, "annullata", TimeProvider.System, Cancel));

        await using var reader = database.CreateContext();
        Assert.Equal(("In collaudo tecnico", 95m, 4), await reader.ActionStatuses.Where(s => s.Code == "in-collaudo").Select(s => new ValueTuple<string, decimal?, int>(s.Name, s.PresetProgress, s.Position)).SingleAsync(Cancel));
        Assert.False(await reader.ActionStatuses.AnyAsync(s => s.Code == "annullata", Cancel));
        Assert.Equal(["create", "update", "delete"], await reader.AuditEntries.Where(a => a.EntityType == "status").OrderBy(a => a.Id).Select(a => a.Operation).ToListAsync(Cancel));
    }
}
