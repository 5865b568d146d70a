using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class MetropolitanActionsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Actions_Scope",
                table: "Actions",
                column: "Scope",
                filter: "\"Scope\" = 'Metropolitan'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Actions_Scope",
                table: "Actions");
        }
    }
}
