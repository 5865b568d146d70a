namespace Regia.Tests;

/// <summary>Files the repository ships (the plan's source text and plan file), copied beside the tests at build time.</summary>
public static class RepositoryFiles
{
    public static string PlanDirectory => Path.Combine(AppContext.BaseDirectory, "plans");

    public static string PlanFile => Path.Combine(PlanDirectory, "psttm-2025-2027.json");

    public static string TerritoryDirectory => Path.Combine(AppContext.BaseDirectory, "territory");

    /// <summary>The plan file and the territory, as the application ships them.</summary>
    public static Regia.Core.Data.ShippedData ShippedData => new([PlanFile], TerritoryDirectory);

    /// <summary>Italia Domani's PNRR projects and localisations in Lombardy (real open data, gzip).</summary>
    public static string PnrrProjects => Path.Combine(AppContext.BaseDirectory, "pnrr", "pnrr_progetti_lombardia.csv.gz");

    public static string PnrrLocations => Path.Combine(AppContext.BaseDirectory, "pnrr", "pnrr_localizzazioni_lombardia.csv.gz");

    public static string PlanSourceText => Path.Combine(PlanDirectory, "psttm-2025-2027.capitolo-3.txt");
}
