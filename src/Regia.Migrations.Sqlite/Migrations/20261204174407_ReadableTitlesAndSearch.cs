using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Regia.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReadableTitlesAndSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReadableTitle",
                table: "Actions",
                type: "TEXT",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "ReadableTitleStated",
                table: "Actions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "Actions",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SearchTitle",
                table: "Actions",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Actions_ReadableTitle_Missing",
                table: "Actions",
                column: "ReadableTitle",
                filter: "\"ReadableTitle\" = ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Actions_ReadableTitle_Missing",
                table: "Actions");

            migrationBuilder.DropColumn(
                name: "ReadableTitle",
                table: "Actions");

            migrationBuilder.DropColumn(
                name: "ReadableTitleStated",
                table: "Actions");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "Actions");

            migrationBuilder.DropColumn(
                name: "SearchTitle",
                table: "Actions");
        }
    }
}
