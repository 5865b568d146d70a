using System.Diagnostics;

namespace Regia.Core.Reports;

/// <summary>A report that could not be written, with why, in Italian for the operator.</summary>
public sealed class ReportException(string message) : Exception(message);

/// <summary>
/// Prints HTML to PDF with headless Chromium (Debian's, which Regia's CI installs): a real PDF with its fonts embedded.
/// QuestPDF and MigraDoc are not served by the registries, and Chromium draws the HTML report exactly as the screen does.
/// It also rasterises the report's SVG figures for the DOCX.
/// </summary>
public static class ChromiumPdf
{
    /// <summary>The browser: <paramref name="configured"/>, else <c>REGIA_CHROMIUM</c>, else <c>chromium</c> on the PATH.</summary>
    public static string Executable(string? configured = null) =>
        configured is { Length: > 0 } ? configured
        : Environment.GetEnvironmentVariable("REGIA_CHROMIUM") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : "chromium";

    /// <summary>Prints <paramref name="html"/> to a PDF at <paramref name="outputPath"/>.</summary>
    public static Task PrintAsync(string html, string outputPath, string? chromium = null, CancellationToken cancellationToken = default) =>
        RenderAsync(html, outputPath, pending => ["--no-pdf-header-footer", $"--print-to-pdf={pending}"], "il PDF", chromium, cancellationToken);

    /// <summary>
    /// Draws an SVG image as a PNG of twice its size (sharp when printed): Word shows an SVG only beside a raster copy.
    /// </summary>
    public static async Task<byte[]> RasteriseAsync(string svg, int width, int height, string? chromium = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(svg);
        var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>html,body{margin:0;background:#fff;overflow:hidden}svg{display:block;"
            + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"width:{width}px;height:{height}px") + "}</style></head><body>" + svg + "</body></html>";
        var target = Path.Combine(Path.GetTempPath(), $"regia-figure-{Guid.NewGuid():N}.png");
        try
        {
            await RenderAsync(html, target, pending => [string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--window-size={width},{height}"), "--force-device-scale-factor=2", "--hide-scrollbars", $"--screenshot={pending}"], "l'immagine", chromium, cancellationToken).ConfigureAwait(false);
            return await File.ReadAllBytesAsync(target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(target);
        }
    }

    private static async Task RenderAsync(string html, string outputPath, Func<string, string[]> output, string what, string? chromium, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(html);
        var work = Directory.CreateTempSubdirectory("regia-chromium-");
        try
        {
            var page = Path.Combine(work.FullName, "page.html");
            await File.WriteAllTextAsync(page, html, cancellationToken).ConfigureAwait(false);
            var target = Path.GetFullPath(outputPath);
            // Chromium picks the format from the extension, so the pending file keeps it.
            var pending = Path.ChangeExtension(target, ".part" + Path.GetExtension(target));
            var start = new ProcessStartInfo(Executable(chromium))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // The page is Regia's own HTML, with no script and no outside resource; the sandbox cannot start as root (CI, containers).
            string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking", $"--user-data-dir={Path.Combine(work.FullName, "profile")}"];
            foreach (var argument in common.Concat(output(pending)).Append(new Uri(page).AbsoluteUri))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = StartOrExplain(start);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0 || !File.Exists(pending) || new FileInfo(pending).Length == 0)
            {
                var detail = (await errors.ConfigureAwait(false)).Trim();
                throw new ReportException($"Chromium non ha scritto {what} (uscita {process.ExitCode}): {(detail.Length > 400 ? detail[^400..] : detail)}");
            }

            // Written beside and moved into place, so a reader never sees half a file.
            File.Move(pending, target, overwrite: true);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new ReportException($"Chromium ({start.FileName}) non si è avviato.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ReportException($"Chromium ({start.FileName}) non si avvia: {ex.Message}. Installalo (apt install chromium) o indica il percorso con REGIA_CHROMIUM.");
        }
    }
}
