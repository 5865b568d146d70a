using System.Text;

namespace Regia.Core.Plans.Import;

/// <summary>
/// Imports a plan's source text into a plan file. The text is parsed whole before anything is written, and the
/// file is replaced atomically: on any error the previous plan file (or its absence) is left as it was.
/// </summary>
public static class ImportPlanText
{
    /// <exception cref="PlanImportException">The text cannot be imported; nothing was written.</exception>
    public static async Task<PlanDocument> ExecuteAsync(string inputPath, string outputPath, PlanImportOptions options, CancellationToken cancellationToken = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(inputPath, new UTF8Encoding(false, throwOnInvalidBytes: true), cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException)
        {
            throw new PlanImportException([new(1, "il file non è in UTF-8: salvarlo come testo UTF-8 e riprovare.")]);
        }

        var document = PlanTextImporter.Import(text, options);
        await PlanFile.WriteAsync(document, outputPath, cancellationToken).ConfigureAwait(false);
        return document;
    }
}
