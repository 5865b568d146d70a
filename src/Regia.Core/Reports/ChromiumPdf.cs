using System.Diagnostics;

namespace Regia.Core.Reports;

/// <summary>A report that could not be written, with why, in Italian for the operator.</summary>
public sealed class ReportException(string message) : Exception(message);

/// <summary>
/// Prints HTML to PDF with headless Chromium (Debian's, which Regia's CI installs): a real PDF with its fonts embedded.
/// QuestPDF and MigraDoc are not served by the registries, and Chromium draws the HTML report exactly as the screen does.
/// </summary>
public static class ChromiumPdf
{
    /// <summary>The browser: <paramref name="configured"/>, else <c>REGIA_CHROMIUM</c>, else <c>chromium</c> on the PATH.</summary>
    public static string Executable(string? configured = null) =>
        configured is { Length: > 0 } ? configured
        : Environment.GetEnvironmentVariable("REGIA_CHROMIUM") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : "chromium";

    public static async Task PrintAsync(string html, string outputPath, string? chromium = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(html);
        var work = Directory.CreateTempSubdirectory("regia-pdf-");
        try
        {
            var page = Path.Combine(work.FullName, "report.html");
            await File.WriteAllTextAsync(page, html, cancellationToken).ConfigureAwait(false);
            var target = Path.GetFullPath(outputPath);
            var pending = target + ".part";
            var start = new ProcessStartInfo(Executable(chromium))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                // The page is Regia's own HTML, with no script and no outside resource; the sandbox cannot start as root (CI, containers).
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--no-pdf-header-footer", $"--user-data-dir={Path.Combine(work.FullName, "profile")}", $"--print-to-pdf={pending}", new Uri(page).AbsoluteUri,
            })
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
                throw new ReportException($"Chromium non ha stampato il PDF (uscita {process.ExitCode}): {(detail.Length > 400 ? detail[^400..] : detail)}");
            }

            // Written beside and moved into place, so a reader never sees half a PDF.
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
