using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Regia.Core;
using Regia.Core.Data;
using Regia.Core.Plans;

namespace Regia.Web.Infrastructure;

/// <summary>Which database Regia uses, from settings; SQLite in a data folder unless told otherwise.</summary>
internal static partial class Database
{
    public static void AddRegiaDatabase(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var provider = RegiaDatabase.ParseProvider(configuration["Database:Provider"]);
        var connectionString = configuration.GetConnectionString("Regia");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new InvalidOperationException("Database:Provider is 'postgres' but ConnectionStrings:Regia is not set (e.g. ConnectionStrings__Regia=\"Host=…;Database=regia;Username=…;Password=…\").");
            }

            var dataDirectory = Path.GetFullPath(configuration["Regia:DataDirectory"] ?? "App_Data", builder.Environment.ContentRootPath);
            connectionString = RegiaDatabase.SqliteConnectionStringFor(dataDirectory);
        }

        builder.Services.AddDbContext<RegiaDbContext>(options => options.Configure(provider, connectionString));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<RegiaDbContext>("database")
            .AddCheck<PlanLoadedHealthCheck>("plan");
    }

    /// <summary>Applies migrations and loads the shipped plan files before the site starts listening.</summary>
    public static async Task InitializeRegiaDatabaseAsync(this WebApplication app)
    {
        var data = ShippedData.In(
            Path.GetFullPath(app.Configuration["Regia:PlanDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "plans")),
            Path.GetFullPath(app.Configuration["Regia:TerritoryDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "territory")));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegiaDbContext>();
        if (!app.Configuration.GetValue("Regia:Database:MigrateAtStartup", true))
        {
            // Several instances: the operator upgrades once with the command line's "migrate"; an instance only checks.
            var pending = (await db.Database.GetPendingMigrationsAsync().ConfigureAwait(false)).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The database lacks {pending.Count} migrations (first: {pending[0]}) and Regia:Database:MigrateAtStartup is false: run 'Regia.Cli migrate' first.");
            }

            var source = db.Database.GetDbConnection().DataSource;
            LogDatabaseReady(app.Logger, db.Database.ProviderName ?? "?", source);
            return;
        }

        var results = await InitializeDatabase.ExecuteAsync(db, data, scope.ServiceProvider.GetRequiredService<TimeProvider>()).ConfigureAwait(false);
        var connection = db.Database.GetDbConnection();
        LogDatabaseReady(app.Logger, db.Database.ProviderName ?? "?", connection.DataSource);
        if (results.Territory is { } territory)
        {
            LogTerritoryLoaded(app.Logger, territory.Changed ? "loaded" : "unchanged", territory.Zones, territory.Municipalities, territory.Organizations);
        }

        foreach (var result in results.Plans)
        {
            LogPlanLoaded(app.Logger, result.Slug, result.Outcome, result.Missions, result.Objectives, result.KeptFromVersions);
        }
    }

    /// <summary>
    /// Probes for an orchestrator or a proxy: <c>/health/live</c> answers while the process runs (restart it if not);
    /// <c>/health/ready</c> and <c>/health</c> only once the database answers, a plan is loaded and the roll-ups are read
    /// (send it traffic; see RollupsReadHealthCheck).
    /// </summary>
    public static void MapRegiaHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableHttpMetrics().ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks("/health/ready").DisableHttpMetrics().ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks("/health").DisableHttpMetrics().ExcludeFromDescription().AllowAnonymous();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready: {Provider} ({DataSource})")]
    private static partial void LogDatabaseReady(ILogger logger, string provider, string dataSource);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plan {Slug}: {Outcome} ({Missions} missions, {Objectives} objectives; {KeptFromVersions} kept as a later adopted version set them)")]
    private static partial void LogPlanLoaded(ILogger logger, string slug, PlanLoadOutcome outcome, int missions, int objectives, int keptFromVersions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Territory {Outcome}: {Zones} zones, {Municipalities} Comuni, {Organizations} organisations")]
    private static partial void LogTerritoryLoaded(ILogger logger, string outcome, int zones, int municipalities, int organizations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Regia is listening on {Url}")]
    public static partial void LogRegiaListening(this ILogger logger, string url);
}

/// <summary>Healthy once a plan is loaded: until then the site has nothing to show.</summary>
internal sealed class PlanLoadedHealthCheck(RegiaDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Plans.AnyAsync(cancellationToken).ConfigureAwait(false)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("No plan is loaded.");
}
