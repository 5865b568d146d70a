using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Regia.Core.Accounts;

/// <summary>
/// The account rules, the same for the site and the command line: long passwords without composition rules (as
/// NIST SP 800-63B and AgID recommend), lockout after repeated failures, unique e-mail addresses.
/// </summary>
public static class RegiaIdentity
{
    public const int MinimumPasswordLength = 12;

    public static void Configure(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Password.RequiredLength = MinimumPasswordLength;
        options.Password.RequiredUniqueChars = 4;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        options.User.RequireUniqueEmail = true;
        options.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@+";
        options.SignIn.RequireConfirmedAccount = false;
    }

    /// <summary>Identity's user manager over Regia's database, with Regia's rules and Italian messages.</summary>
    public static IdentityBuilder AddRegiaIdentityCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddIdentityCore<RegiaUser>(Configure)
            .AddEntityFrameworkStores<RegiaDbContext>()
            .AddErrorDescriber<ItalianIdentityErrorDescriber>();
    }
}

/// <summary>Identity's messages in Italian, for the pages and the command line.</summary>
public sealed class ItalianIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) => new() { Code = nameof(PasswordTooShort), Description = $"La password deve avere almeno {length} caratteri." };

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => new() { Code = nameof(PasswordRequiresUniqueChars), Description = $"La password deve contenere almeno {uniqueChars} caratteri diversi." };

    public override IdentityError DuplicateEmail(string email) => new() { Code = nameof(DuplicateEmail), Description = $"L'indirizzo {email} è già usato da un altro account." };

    public override IdentityError DuplicateUserName(string userName) => new() { Code = nameof(DuplicateUserName), Description = $"L'account {userName} esiste già." };

    public override IdentityError InvalidEmail(string? email) => new() { Code = nameof(InvalidEmail), Description = $"«{email}» non è un indirizzo e-mail valido." };

    public override IdentityError InvalidUserName(string? userName) => new() { Code = nameof(InvalidUserName), Description = $"«{userName}» non è un nome utente valido: usare l'indirizzo e-mail." };

    public override IdentityError PasswordMismatch() => new() { Code = nameof(PasswordMismatch), Description = "La password non è corretta." };

    public override IdentityError ConcurrencyFailure() => new() { Code = nameof(ConcurrencyFailure), Description = "L'account è stato modificato da altri nel frattempo: riprovare." };

    public override IdentityError DefaultError() => new() { Code = nameof(DefaultError), Description = "Operazione non riuscita." };
}
