using Microsoft.EntityFrameworkCore.Design;
using Regia.Core;
using Regia.Core.Data;

namespace Regia.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for SQLite without a host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<RegiaDbContext>
{
    public RegiaDbContext CreateDbContext(string[] args) =>
        new(RegiaDatabase.Options(DatabaseProvider.Sqlite, "Data Source=design-time.db", compiledModel: false));
}
