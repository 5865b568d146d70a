using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Regia.Tests;

/// <summary>The real application, configured for one test's own database; the plan is loaded at start as in production.</summary>
public sealed class RegiaWebFactory : WebApplicationFactory<Program>
{
    private readonly TestDatabase database;
    private readonly IReadOnlyDictionary<string, string?> settings;

    /// <param name="settings">Further settings, e.g. <c>Regia:HttpsOnly=false</c> for a browser on plain HTTP.</param>
    public RegiaWebFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        this.database = database;
        this.settings = settings ?? new Dictionary<string, string?>();
        // As in production: over HTTPS, so secure cookies and antiforgery behave as they do for real users.
        ClientOptions.BaseAddress = new Uri("https://localhost");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Database:Provider", database.Provider.ToString().ToLowerInvariant());
        builder.UseSetting("ConnectionStrings:Regia", database.ConnectionString);
        builder.UseSetting("Regia:PlanDirectory", RepositoryFiles.PlanDirectory);
        builder.UseSetting("Regia:TerritoryDirectory", RepositoryFiles.TerritoryDirectory);
        // Uploaded import files go to the test's own folder (or one several instances share), never the source tree.
        if (!settings.ContainsKey("Regia:ImportDirectory"))
        {
            builder.UseSetting("Regia:ImportDirectory", ImportDirectory);
        }

        // Each instance writes its messages to its own pickup folder: tests read only theirs.
        if (!settings.ContainsKey("Regia:Mail:PickupDirectory"))
        {
            builder.UseSetting("Regia:Mail:PickupDirectory", MailDirectory);
        }
    }

    public string ImportDirectory { get; } = Directory.CreateTempSubdirectory("regia-imports-").FullName;

    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "regia-mail-" + Guid.NewGuid().ToString("N"));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(ImportDirectory))
        {
            Directory.Delete(ImportDirectory, recursive: true);
        }

        if (disposing && Directory.Exists(MailDirectory))
        {
            Directory.Delete(MailDirectory, recursive: true);
        }
    }

    /// <summary>A client over HTTPS that does not follow redirects, to see where the site sends a reader.</summary>
    public HttpClient CreateNonRedirectingClient() => CreateClient(new() { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });
}
