using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ImportKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExternalId",
                table: "Actions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MissionId",
                table: "Actions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SuggestedObjectiveId",
                table: "Actions",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Actions_ExternalId",
                table: "Actions",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Actions_LocalProjectCode",
                table: "Actions",
                column: "LocalProjectCode");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_MissionId",
                table: "Actions",
                column: "MissionId");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_SuggestedObjectiveId",
                table: "Actions",
                column: "SuggestedObjectiveId");

            migrationBuilder.AddForeignKey(
                name: "FK_Actions_Missions_MissionId",
                table: "Actions",
                column: "MissionId",
                principalTable: "Missions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Actions_Objectives_SuggestedObjectiveId",
                table: "Actions",
                column: "SuggestedObjectiveId",
                principalTable: "Objectives",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Actions_Missions_MissionId",
                table: "Actions");

            migrationBuilder.DropForeignKey(
                name: "FK_Actions_Objectives_SuggestedObjectiveId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_ExternalId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_LocalProjectCode",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_MissionId",
                table: "Actions");

            migrationBuilder.DropIndex(
                name: "IX_Actions_SuggestedObjectiveId",
                table: "Actions");

            migrationBuilder.DropColumn(
                name: "ExternalId",
                table: "Actions");

            migrationBuilder.DropColumn(
                name: "MissionId",
                table: "Actions");

            migrationBuilder.DropColumn(
                name: "SuggestedObjectiveId",
                table: "Actions");
        }
    }
}
