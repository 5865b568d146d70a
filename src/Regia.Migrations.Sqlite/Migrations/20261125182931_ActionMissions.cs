using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ActionMissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing actions take the mission of their primary objective (every action had one before ImportKeys).
            // A migration of its own: on SQLite, ImportKeys rebuilds the Actions table, and SQL must not run mid-rebuild.
            migrationBuilder.Sql("""
                UPDATE "Actions" SET "MissionId" = (SELECT o."MissionId" FROM "ActionObjective" ao JOIN "Objectives" o ON o."Id" = ao."ObjectiveId" WHERE ao."ActionId" = "Actions"."Id" AND ao."IsPrimary" = 1);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
