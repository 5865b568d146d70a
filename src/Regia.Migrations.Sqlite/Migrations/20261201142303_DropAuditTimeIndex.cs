using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DropAuditTimeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_AtUtc",
                table: "AuditEntries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AtUtc",
                table: "AuditEntries",
                column: "AtUtc");
        }
    }
}
