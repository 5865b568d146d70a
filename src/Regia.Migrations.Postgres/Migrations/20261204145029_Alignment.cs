using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Regia.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Alignment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ActionSuggestions",
                columns: table => new
                {
                    ActionId = table.Column<int>(type: "integer", nullable: false),
                    MissionId = table.Column<int>(type: "integer", nullable: false),
                    MissionScore = table.Column<double>(type: "double precision", nullable: false),
                    ObjectiveId = table.Column<int>(type: "integer", nullable: true),
                    ObjectiveScore = table.Column<double>(type: "double precision", nullable: true),
                    Terms = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Measure = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SuggestedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ActionSuggestions", x => x.ActionId);
                    table.ForeignKey(
                        name: "FK_ActionSuggestions_Actions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "Actions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ActionSuggestions_Missions_MissionId",
                        column: x => x.MissionId,
                        principalTable: "Missions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ActionSuggestions_Objectives_ObjectiveId",
                        column: x => x.ObjectiveId,
                        principalTable: "Objectives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "AlignmentExamples",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Measure = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Mission = table.Column<int>(type: "integer", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlignmentExamples", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ActionSuggestions_Measure",
                table: "ActionSuggestions",
                column: "Measure",
                filter: "\"Measure\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ActionSuggestions_MissionId",
                table: "ActionSuggestions",
                column: "MissionId");

            migrationBuilder.CreateIndex(
                name: "IX_ActionSuggestions_ObjectiveId",
                table: "ActionSuggestions",
                column: "ObjectiveId");

            migrationBuilder.CreateIndex(
                name: "IX_AlignmentExamples_Key",
                table: "AlignmentExamples",
                column: "Key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ActionSuggestions");

            migrationBuilder.DropTable(
                name: "AlignmentExamples");
        }
    }
}
