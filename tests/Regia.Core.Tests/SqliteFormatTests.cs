using System.Globalization;
using System.Text;
using Regia.Core.Importing;

namespace Regia.Tests;

/// <summary>The bulk writer formats decimals for SQLite itself: it must write exactly what Microsoft.Data.Sqlite writes.</summary>
public sealed class SqliteFormatTests
{
    // Microsoft.Data.Sqlite's own format for decimal parameters (SqliteValueBinder).
    private const string SqliteDecimalFormat = "0.0###########################";

    public static TheoryData<string> Amounts => new()
    {
        "0", "0.0", "0.00", "5000.0", "5000", "5000.00", "1.10", "1.01", "0.0001", "-5", "-0.50", "123456789.123456789",
        "79228162514264337593543950335", "-79228162514264337593543950335", "0.0000000000000000000000000001", "1.2300000000000000000000000000",
    };

    [Theory]
    [MemberData(nameof(Amounts))]
    public void A_decimal_is_written_as_Microsoft_Data_Sqlite_writes_it(string text)
    {
        var value = decimal.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(value.ToString(SqliteDecimalFormat, CultureInfo.InvariantCulture), Formatted(value));
    }

    [Fact]
    public void Random_amounts_of_every_scale_are_written_as_Microsoft_Data_Sqlite_writes_them()
    {
        var random = new Random(20261201);
        for (var i = 0; i < 20_000; i++)
        {
            var value = new decimal(random.Next(), random.Next(), random.Next(0, 1000), random.Next(2) == 0, (byte)random.Next(0, 29));
            Assert.Equal(value.ToString(SqliteDecimalFormat, CultureInfo.InvariantCulture), Formatted(value));
        }

        // Negative zero, which decimal arithmetic can produce.
        var negativeZero = decimal.Negate(0.00m);
        Assert.Equal(negativeZero.ToString(SqliteDecimalFormat, CultureInfo.InvariantCulture), Formatted(negativeZero));
    }

    [Fact]
    public void A_buffer_too_small_is_reported_not_overrun()
    {
        Assert.False(BulkInsert.TryFormatDecimal(12345m, new byte[5], out _));
        Assert.True(BulkInsert.TryFormatDecimal(12345m, new byte[7], out var written));
        Assert.Equal(7, written);
    }

    private static string Formatted(decimal value)
    {
        var buffer = new byte[64];
        Assert.True(BulkInsert.TryFormatDecimal(value, buffer, out var written));
        return Encoding.UTF8.GetString(buffer, 0, written);
    }
}
