using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PartialIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Actions_ExternalId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_ParentId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_SuggestedObjectiveId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_ActionPlace_MunicipalityId",
                table: "ActionPlace");

            migrationBuilder.DropIndex(
                name: "IX_ActionPlace_ZoneId",
                table: "ActionPlace");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_ExternalId",
                table: "Actions",
                column: "ExternalId",
                unique: true,
                filter: "\"ExternalId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_ParentId",
                table: "Actions",
                column: "ParentId",
                filter: "\"ParentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_SuggestedObjectiveId",
                table: "Actions",
                column: "SuggestedObjectiveId",
                filter: "\"SuggestedObjectiveId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ActionPlace_MunicipalityId",
                table: "ActionPlace",
                column: "MunicipalityId",
                filter: "\"MunicipalityId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ActionPlace_ZoneId",
                table: "ActionPlace",
                column: "ZoneId",
                filter: "\"ZoneId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Actions_ExternalId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_ParentId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_SuggestedObjectiveId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_ActionPlace_MunicipalityId",
                table: "ActionPlace");

            migrationBuilder.DropIndex(
                name: "IX_ActionPlace_ZoneId",
                table: "ActionPlace");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_ExternalId",
                table: "Actions",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Actions_ParentId",
                table: "Actions",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_SuggestedObjectiveId",
                table: "Actions",
                column: "SuggestedObjectiveId");

            migrationBuilder.CreateIndex(
                name: "IX_ActionPlace_MunicipalityId",
                table: "ActionPlace",
                column: "MunicipalityId");

            migrationBuilder.CreateIndex(
                name: "IX_ActionPlace_ZoneId",
                table: "ActionPlace",
                column: "ZoneId");
        }
    }
}
