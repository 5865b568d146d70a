using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LeanerActionIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Actions_LocalProjectCode",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_Publication",
                table: "Actions");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_LocalProjectCode",
                table: "Actions",
                column: "LocalProjectCode",
                filter: "\"Cup\" IS NULL AND \"LocalProjectCode\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Actions_LocalProjectCode",
                table: "Actions");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_LocalProjectCode",
                table: "Actions",
                column: "LocalProjectCode");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_Publication",
                table: "Actions",
                column: "Publication");
        }
    }
}
