using System.IO.Compression;
using System.Security.Cryptography;
using Regia.Core.Importing;

namespace Regia.Core.Common;

/// <summary>
/// The reference files Regia ships embedded in Regia.Core (from <c>data/</c>, see <c>data/SOURCES.md</c>), so that
/// every host (site, command line, tests) has them without a path. A <c>.gz</c> file is decompressed on reading.
/// </summary>
public static class EmbeddedFiles
{
    /// <summary>Opens an embedded file as a table.</summary>
    public static async Task<TabularFile> OpenAsync(string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var stream = Open(fileName);
        if (!fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return await TabularFile.OpenAsync(stream, fileName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // CSV reading seeks: the file is inflated in memory (the largest is under 2 MB).
        var inflated = new MemoryStream();
        await using (var gzip = new GZipStream(stream, CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(inflated, cancellationToken).ConfigureAwait(false);
        }

        inflated.Position = 0;
        return await TabularFile.OpenAsync(inflated, fileName[..^3], cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The SHA-256 of the embedded bytes, in hex: a loader compares it to what it loaded last.</summary>
    public static string Hash(string fileName)
    {
        using var stream = Open(fileName);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static Stream Open(string fileName) =>
        typeof(EmbeddedFiles).Assembly.GetManifestResourceStream("Regia.Core." + fileName)
            ?? throw new InvalidOperationException($"{fileName} is not embedded in Regia.Core.");
}
