using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Regia.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FundingCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FundingCalls",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Origin = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Title = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Funder = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    FunderTaxCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Programme = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Measure = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    SubMeasure = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    AmountTotal = table.Column<decimal>(type: "numeric", nullable: true),
                    AmountPnrr = table.Column<decimal>(type: "numeric", nullable: true),
                    AmountOther = table.Column<decimal>(type: "numeric", nullable: true),
                    OpensOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ClosesOn = table.Column<DateOnly>(type: "date", nullable: true),
                    UntilFundsRunOut = table.Column<bool>(type: "boolean", nullable: false),
                    SourceState = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Applicants = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Url = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ObservedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FundingCalls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FundingCallInterests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CallId = table.Column<int>(type: "integer", nullable: false),
                    OrganizationId = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    MarkedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MarkedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FundingCallInterests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FundingCallInterests_FundingCalls_CallId",
                        column: x => x.CallId,
                        principalTable: "FundingCalls",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FundingCallInterests_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FundingCallInterests_CallId_OrganizationId",
                table: "FundingCallInterests",
                columns: new[] { "CallId", "OrganizationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FundingCallInterests_OrganizationId",
                table: "FundingCallInterests",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_FundingCalls_ClosesOn",
                table: "FundingCalls",
                column: "ClosesOn");

            migrationBuilder.CreateIndex(
                name: "IX_FundingCalls_Key",
                table: "FundingCalls",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FundingCalls_Measure",
                table: "FundingCalls",
                column: "Measure");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FundingCallInterests");

            migrationBuilder.DropTable(
                name: "FundingCalls");
        }
    }
}
