using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MeasureMappings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LinkOrigin",
                table: "Actions",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "None");

            // Links that exist were stated by someone (a person or an import that names them): mappings leave them alone.
            migrationBuilder.Sql("UPDATE \"Actions\" SET \"LinkOrigin\" = 'Stated' WHERE EXISTS (SELECT 1 FROM \"ActionObjective\" o WHERE o.\"ActionId\" = \"Actions\".\"Id\")");

            migrationBuilder.CreateTable(
                name: "MeasureMappings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ObjectiveId = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeasureMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MeasureMappings_Objectives_ObjectiveId",
                        column: x => x.ObjectiveId,
                        principalTable: "Objectives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MeasureMappings_Measure_ObjectiveId",
                table: "MeasureMappings",
                columns: new[] { "Measure", "ObjectiveId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MeasureMappings_ObjectiveId",
                table: "MeasureMappings",
                column: "ObjectiveId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MeasureMappings");

            migrationBuilder.DropColumn(
                name: "LinkOrigin",
                table: "Actions");
        }
    }
}
