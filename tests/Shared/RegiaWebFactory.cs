using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Regia.Tests;

/// <summary>The real application, configured for one test's own database; the plan is loaded at start as in production.</summary>
public sealed class RegiaWebFactory(TestDatabase database) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", database.Provider.ToString().ToLowerInvariant());
        builder.UseSetting("ConnectionStrings:Regia", database.ConnectionString);
        builder.UseSetting("Regia:PlanDirectory", RepositoryFiles.PlanDirectory);
        builder.UseSetting("Regia:TerritoryDirectory", RepositoryFiles.TerritoryDirectory);
    }
}
