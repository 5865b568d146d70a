using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;
using Regia.Core.Importing;

namespace Regia.Tests;

/// <summary>A site import job that fails in a way no rule foresaw is recorded as failed, never left running.</summary>
public sealed class ImportJobTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_job_that_fails_unexpectedly_is_marked_failed_with_nothing_written_and_the_cause_goes_to_the_log(string provider)
    {
        await using var database = await TestDatabase.CreateLoadedAsync(provider);
        var directory = Directory.CreateTempSubdirectory("regia-job-").FullName;
        // A PNRR job stored with its projects file but without the localisations: the job cannot find its second file.
        await File.WriteAllTextAsync(RunImportJob.StoredPath(directory, ImportKind.Pnrr, 0, "progetti.csv"), "CUP\n", Cancel);
        int id;
        await using (var db = database.CreateContext())
        {
            var job = new ImportJob { Kind = ImportKind.Pnrr, Mode = ImportMode.AllOrNothing, State = ImportJobState.Queued, FileNames = "progetti.csv", Directory = directory, UserName = "revisore@example.test", Role = Regia.Core.Accounts.RegiaRole.Reviewer };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(Cancel);
            id = job.Id;
        }

        int actions;
        await using (var db = database.CreateContext())
        {
            actions = await db.Actions.CountAsync(Cancel);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RunImportJob.ExecuteAsync(db, id, TimeProvider.System, null, Cancel));
        }

        await using (var db = database.CreateContext())
        {
            var job = await db.ImportJobs.SingleAsync(j => j.Id == id, Cancel);
            Assert.Equal(ImportJobState.Failed, job.State);
            Assert.NotNull(job.FinishedAtUtc);
            Assert.Contains("nulla è stato scritto", job.Error, StringComparison.Ordinal);
            Assert.Equal(actions, await db.Actions.CountAsync(Cancel));
            Assert.False(await db.AuditEntries.AnyAsync(e => e.Channel == ChangeChannel.Site, Cancel));
        }
    }
}
