using Regia.Web.Features.Actions;
using Regia.Web.Features.Admin;
using Regia.Web.Features.Alignment;
using Regia.Web.Features.Dashboards;
using Regia.Web.Features.Comments;
using Regia.Web.Features.Dup;
using Regia.Web.Features.Funding;
using Regia.Web.Features.Importing;
using Regia.Web.Features.Indicators;
using Regia.Web.Features.OpenData;
using Regia.Web.Features.Plans;
using Regia.Web.Features.Reports;
using Regia.Web.Features.Search;
using Regia.Web.Features.Territory;
using Regia.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
// Run from the build output (tests, a Production run before publishing), the static files and their compressed
// copies are where the build left them, listed in a runtime manifest; published, they are in wwwroot and the
// manifest is absent, so this does nothing.
builder.WebHost.UseStaticWebAssets();

builder.AddRegiaDatabase();
builder.AddRegiaProxy();
builder.AddRegiaLimits();
builder.Services.AddRegiaLocalization();
builder.Services.AddRegiaApi();
builder.Services.AddRegiaActions();
builder.Services.AddRegiaPublicCache();
builder.Services.AddRegiaAlignment();
// Feature folders: pages live beside the API of the same feature.
// Italian text is written as it is (città, not citt&#xE0;); markup characters are still encoded.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
    options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.AddRegiaSecurity();
builder.AddRegiaImports();
builder.AddRegiaReports();
builder.AddRegiaCampaigns();
builder.Services.AddRazorPages(options =>
{
    options.RootDirectory = "/Features";
    // Every page states who may see it: the public site is open, the back office needs an account.
    foreach (var folder in Security.PublicFolders)
    {
        options.Conventions.AllowAnonymousToFolder(folder);
    }

    options.Conventions.AuthorizeFolder("/Admin", Security.StaffPolicy);
    options.Conventions.AddPageRoute("/Admin/EditAction", "/gestione/azioni/nuova");
    options.Conventions.AddPageRoute("/Admin/EditIndicator", "/gestione/indicatori/nuovo");
});

var startup = new StartupTimes();
startup.Mark("runtime and services");
var app = builder.Build();
startup.Mark("host built");
await app.InitializeRegiaDatabaseAsync().ConfigureAwait(false);
startup.Mark("database checked");

app.UseRegiaProxy();
app.UseRegiaErrorHandling();
app.UseRegiaLocalization();
app.UseRouting();
app.UseRegiaSecurity();

// Static files as endpoints from the build's manifest: compressed at build time (gzip; Brotli too when published),
// fingerprinted URLs cached for a year as immutable, ETags on the rest (README, "Deploy").
app.MapStaticAssets().AllowAnonymous();
app.MapRazorPages().WithStaticAssets().CachedForThePublic();
app.MapRegiaApiDocuments();
app.MapPlanApi();
app.MapTerritoryApi();
app.MapActionsApi();
app.MapProposalsApi();
app.MapOpenDataApi();
app.MapImportsApi();
app.MapAlignmentApi();
app.MapSearchApi();
app.MapIndicatorsApi();
app.MapPnrrApi();
app.MapDashboardsApi();
app.MapReportsApi();
app.MapCampaignsApi();
app.MapCommitmentsApi();
app.MapFundingCallsApi();
app.MapDupApi();
app.MapCommentsApi();
app.MapRegiaHealth();
app.MapLanguageSwitch();
startup.Mark("endpoints mapped");
startup.LogWhenStarted(app);

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
    {
        app.Logger.LogRegiaListening(url);
    }
});

await app.RunAsync().ConfigureAwait(false);

/// <summary>Entry point; public so that WebApplicationFactory can host the application in tests.</summary>
public partial class Program;
