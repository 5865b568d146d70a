using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Regia.Core;
using Regia.Core.Accounts;
using Regia.Core.Auditing;
using Regia.Core.Comments;

namespace Regia.Tests;

/// <summary>Public comments: who may write, pre- and post-moderation, the rate limit, reports, and removal in the trail; on SQLite and PostgreSQL.</summary>
public sealed class CommentTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Comments_are_moderated_rate_limited_reported_and_removed_with_a_trace(string provider)
    {
        var (database, first) = await Seeded.CreateAsync(provider, Cancel);
        await using var owned = database;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero));
        int anna, bruno, carla, ugo, draft, office;
        await using (var db = database.CreateContext())
        {
            anna = await AddResidentAsync(db, "anna@example.test", "Anna R.", confirmed: true);
            bruno = await AddResidentAsync(db, "bruno@example.test", "Bruno <b>S.</b>", confirmed: true);
            carla = await AddResidentAsync(db, "carla@example.test", "Carla T.", confirmed: true);
            ugo = await AddResidentAsync(db, "ugo@example.test", "Ugo non confermato", confirmed: false);
            office = await Seeded.AddUserAsync(db, "revisore.commenti@example.test", "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
            draft = await db.Actions.Where(a => a.Title == "Bozza (test)").Select(a => a.Id).SingleAsync(Cancel);
        }

        await using var annaDb = As(database, anna, "anna@example.test");
        await using var brunoDb = As(database, bruno, "bruno@example.test");
        await using var carlaDb = As(database, carla, "carla@example.test");
        await using var ugoDb = As(database, ugo, "ugo@example.test");
        await using var reviewer = await Seeded.AsAsync(database, office, "Città metropolitana di Milano", RegiaRole.Reviewer, Cancel);
        await using var anonymous = database.CreateContext();
        var m31 = CommentTarget.ForObjective("M3.1");

        // Who may not write, and what may not be written; nothing is.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PublicComments.PostAsync(anonymous, m31, "Un commento.", clock, Cancel));
        Assert.Equal("text", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.PostAsync(ugoDb, m31, "Un commento.", clock, Cancel))).Field);
        Assert.Equal("text", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.PostAsync(annaDb, m31, " \n ", clock, Cancel))).Field);
        Assert.Equal("text", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.PostAsync(annaDb, m31, new string('a', 2001), clock, Cancel))).Field);
        Assert.Equal("objective", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.PostAsync(annaDb, CommentTarget.ForObjective("M9.9"), "Un commento.", clock, Cancel))).Field);
        Assert.Equal("action", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.PostAsync(annaDb, CommentTarget.ForAction(draft), "Un commento.", clock, Cancel))).Field);
        Assert.Equal(0, await anonymous.Comments.CountAsync(Cancel));

        // Pre-moderation (the default): waiting, seen by its author and the office, not by the public.
        Assert.Equal(ModerationMode.Pre, await PublicComments.ModeAsync(anonymous, Cancel));
        var waiting = await PublicComments.PostAsync(annaDb, m31, "Servono più corse serali.\r\n\r\n\r\n\r\nGrazie <script>x</script>", clock, Cancel);
        Assert.Equal(CommentState.Pending, waiting.State);
        Assert.Equal("Servono più corse serali.\n\nGrazie <script>x</script>", waiting.Text);
        Assert.Empty(await PublicComments.ListAsync(anonymous, m31, Cancel));
        Assert.True(Assert.Single(await PublicComments.ListAsync(annaDb, m31, Cancel)).IsMine);
        Assert.Empty(await PublicComments.ListAsync(brunoDb, m31, Cancel));
        Assert.Equal([waiting.Id], (await PublicComments.QueueAsync(reviewer, cancellationToken: Cancel)).Select(c => c.Id));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PublicComments.QueueAsync(annaDb, cancellationToken: Cancel));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PublicComments.ModerateAsync(annaDb, waiting.Id, CommentDecision.Publish, null, clock, cancellationToken: Cancel));
        Assert.Equal("note", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.ModerateAsync(reviewer, waiting.Id, CommentDecision.Reject, " ", clock, cancellationToken: Cancel))).Field);
        await PublicComments.ModerateAsync(reviewer, waiting.Id, CommentDecision.Publish, null, clock, expectedVersion: 1, Cancel);
        var published = Assert.Single(await PublicComments.ListAsync(anonymous, m31, Cancel));
        Assert.Equal(("Anna R.", CommentState.Published), (published.AuthorName, published.State));

        // A rejected one: its author reads why; nobody else sees it.
        var offTopic = await PublicComments.PostAsync(brunoDb, m31, "Compra qui i tuoi biglietti!", clock, Cancel);
        await PublicComments.ModerateAsync(reviewer, offTopic.Id, CommentDecision.Reject, "Pubblicità.", clock, cancellationToken: Cancel);
        Assert.Single(await PublicComments.ListAsync(anonymous, m31, Cancel));
        Assert.Equal("Pubblicità.", (await PublicComments.ListAsync(brunoDb, m31, Cancel)).Single(c => c.IsMine).ModerationNote);

        // The rate limit: five an hour (counted in the database), then the sixth an hour after the first.
        await PublicComments.SetModeAsync(reviewer, ModerationMode.Post, clock, Cancel);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PublicComments.SetModeAsync(annaDb, ModerationMode.Pre, clock, Cancel));
        for (var i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal(CommentState.Published, (await PublicComments.PostAsync(annaDb, CommentTarget.ForAction(first), string.Create(CultureInfo.InvariantCulture, $"Osservazione {i}."), clock, Cancel)).State);
        }

        var limited = await Assert.ThrowsAsync<CommentRateLimitException>(() => PublicComments.PostAsync(annaDb, CommentTarget.ForAction(first), "La sesta.", clock, Cancel));
        Assert.Equal(TimeSpan.FromMinutes(40), limited.RetryAfter);
        clock.Advance(TimeSpan.FromMinutes(40));
        await PublicComments.PostAsync(annaDb, CommentTarget.ForAction(first), "La sesta, un'ora dopo la prima.", clock, Cancel);

        // Reports: not one's own, once each; three hide it under post-moderation until the office decides.
        var reported = await PublicComments.PostAsync(brunoDb, CommentTarget.ForAction(first), "Un commento offensivo (test).", clock, Cancel);
        Assert.Equal(CommentState.Published, reported.State);
        Assert.True((await Assert.ThrowsAsync<CommentException>(() => PublicComments.ReportAsync(brunoDb, reported.Id, "Mio.", clock, Cancel))).Conflict);
        Assert.Equal("reason", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.ReportAsync(annaDb, reported.Id, "", clock, Cancel))).Field);
        await PublicComments.ReportAsync(annaDb, reported.Id, "Offende una persona.", clock, Cancel);
        Assert.True((await Assert.ThrowsAsync<CommentException>(() => PublicComments.ReportAsync(annaDb, reported.Id, "Di nuovo.", clock, Cancel))).Conflict);
        await PublicComments.ReportAsync(carlaDb, reported.Id, "Linguaggio offensivo.", clock, Cancel);
        Assert.Contains(await PublicComments.ListAsync(anonymous, CommentTarget.ForAction(first), Cancel), c => c.Id == reported.Id);
        await PublicComments.ReportAsync(reviewer, reported.Id, "Da rivedere.", clock, Cancel);
        Assert.DoesNotContain(await PublicComments.ListAsync(anonymous, CommentTarget.ForAction(first), Cancel), c => c.Id == reported.Id);
        var queued = Assert.Single(await PublicComments.QueueAsync(reviewer, cancellationToken: Cancel));
        Assert.Equal((reported.Id, CommentState.Hidden, 3), (queued.Id, queued.State, queued.Reports));
        Assert.Equal(["Offende una persona.", "Linguaggio offensivo.", "Da rivedere."], queued.Reasons);

        // Removed: the public sees that it was, and why, not the text; the trail keeps the text, publicly.
        Assert.Equal("note", (await Assert.ThrowsAsync<CommentException>(() => PublicComments.ModerateAsync(reviewer, reported.Id, CommentDecision.Remove, null, clock, cancellationToken: Cancel))).Field);
        await PublicComments.ModerateAsync(reviewer, reported.Id, CommentDecision.Remove, "Offensivo verso una persona.", clock, cancellationToken: Cancel);
        var removed = (await PublicComments.ListAsync(anonymous, CommentTarget.ForAction(first), Cancel)).Single(c => c.Id == reported.Id);
        Assert.Equal((CommentState.Removed, (string?)null, "Offensivo verso una persona."), (removed.State, removed.Text, removed.ModerationNote));
        var trail = await anonymous.AuditEntries.Where(e => e.EntityType == "comment" && e.EntityId == reported.Id.ToString(CultureInfo.InvariantCulture)).OrderBy(e => e.Id).ToListAsync(Cancel);
        Assert.Equal(["post", "report", "report", "report", "remove"], trail.Select(e => e.Operation));
        Assert.True(trail[^1].IsPublic);
        Assert.Contains("Un commento offensivo (test).", trail[^1].Before, StringComparison.Ordinal);
        Assert.Equal($"user{office}@example.test", await anonymous.AuditEntries.Where(e => e.EntityType == "comment" && e.Operation == "remove").Select(e => e.ActorName).SingleAsync(Cancel));

        // Its author withdraws a comment; it leaves every list.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PublicComments.WithdrawAsync(brunoDb, waiting.Id, clock, Cancel));
        await PublicComments.WithdrawAsync(annaDb, waiting.Id, clock, Cancel);
        Assert.Empty(await PublicComments.ListAsync(anonymous, m31, Cancel));
    }

    private static async Task<int> AddResidentAsync(RegiaDbContext db, string email, string name, bool confirmed)
    {
        var user = new RegiaUser
        {
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = confirmed,
            DisplayName = name,
            Role = RegiaRole.Resident,
            CreatedAtUtc = DateTime.UtcNow,
            SecurityStamp = Guid.NewGuid().ToString(),
        };
        db.Users.Add(user);
        await db.SaveChangesAsync(Cancel);
        return user.Id;
    }

    private static RegiaDbContext As(TestDatabase database, int id, string email)
    {
        var db = database.CreateContext();
        db.Caller = new Caller(id, email, null, null, RegiaRole.Resident, ChangeChannel.Site);
        return db;
    }
}
