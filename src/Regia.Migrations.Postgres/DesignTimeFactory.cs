using Microsoft.EntityFrameworkCore.Design;
using Regia.Core;
using Regia.Core.Data;

namespace Regia.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for PostgreSQL without a server.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<RegiaDbContext>
{
    public RegiaDbContext CreateDbContext(string[] args) =>
        new(RegiaDatabase.Options(DatabaseProvider.Postgres, "Host=localhost;Database=regia_design", compiledModel: false));
}
