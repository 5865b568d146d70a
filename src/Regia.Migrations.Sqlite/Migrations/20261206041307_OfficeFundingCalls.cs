using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OfficeFundingCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FundingCallObjectives",
                columns: table => new
                {
                    CallId = table.Column<int>(type: "INTEGER", nullable: false),
                    ObjectiveId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FundingCallObjectives", x => new { x.CallId, x.ObjectiveId });
                    table.ForeignKey(
                        name: "FK_FundingCallObjectives_FundingCalls_CallId",
                        column: x => x.CallId,
                        principalTable: "FundingCalls",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FundingCallObjectives_Objectives_ObjectiveId",
                        column: x => x.ObjectiveId,
                        principalTable: "Objectives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FundingCallObjectives_ObjectiveId",
                table: "FundingCallObjectives",
                column: "ObjectiveId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FundingCallObjectives");
        }
    }
}
