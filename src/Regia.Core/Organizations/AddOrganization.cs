using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Regia.Core.Auditing;

namespace Regia.Core.Organizations;

/// <summary>A new organisation (soggetto) as an administrator describes it.</summary>
public sealed record NewOrganization(string Name, OrganizationKind Kind, string? TaxCode, string? IpaCode);

/// <summary>An organisation that cannot be added; the message says which field and why. Nothing has been written.</summary>
public sealed class OrganizationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// Adds an organisation such as an intermediate body. Comuni and the Città metropolitana come from the territory
/// and are not added here. Tax codes are checked for form (11 digits for a body, 16 characters for a person).
/// </summary>
public static partial class AddOrganization
{
    public static async Task<Organization> ExecuteAsync(RegiaDbContext db, NewOrganization request, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 300)
        {
            throw new OrganizationException("name", "La denominazione è obbligatoria e non può superare 300 caratteri.");
        }

        if (request.Kind is OrganizationKind.Municipality or OrganizationKind.MetropolitanCity)
        {
            throw new OrganizationException("kind", "I Comuni e la Città metropolitana vengono dal territorio e non si aggiungono a mano.");
        }

        var (taxCode, problem) = CheckTaxCode(request.TaxCode);
        if (problem is not null)
        {
            throw new OrganizationException("taxCode", problem);
        }

        if (taxCode is not null && await db.Organizations.AnyAsync(o => o.TaxCode == taxCode, cancellationToken).ConfigureAwait(false))
        {
            throw new OrganizationException("taxCode", $"Un soggetto con codice fiscale {taxCode} è già registrato.");
        }

        var organization = new Organization
        {
            Name = name,
            Kind = request.Kind,
            TaxCode = taxCode,
            IpaCode = string.IsNullOrWhiteSpace(request.IpaCode) ? null : request.IpaCode.Trim(),
        };
        db.Organizations.Add(organization);
        db.Audit(new AuditRecord("organization", () => organization.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "create", (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime)
        {
            After = new { organization.Name, kind = organization.Kind.ToString(), organization.TaxCode, organization.IpaCode },
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return organization;
    }

    /// <summary>
    /// A tax code as it is stored (trimmed, in capitals; null when blank) and, when it does not have the form of one,
    /// why: 11 digits for a body (partita IVA or codice fiscale numerico), 16 letters and digits for a person.
    /// </summary>
    internal static (string? TaxCode, string? Problem) CheckTaxCode(string? text)
    {
        var taxCode = string.IsNullOrWhiteSpace(text) ? null : text.Trim().ToUpperInvariant();
        return taxCode is not null && !TaxCodePattern().IsMatch(taxCode)
            ? (taxCode, $"«{taxCode}» non è un codice fiscale: servono 11 cifre per un ente o 16 caratteri per una persona.")
            : (taxCode, null);
    }

    [GeneratedRegex("^([0-9]{11}|[A-Z0-9]{16})$")]
    private static partial Regex TaxCodePattern();
}
