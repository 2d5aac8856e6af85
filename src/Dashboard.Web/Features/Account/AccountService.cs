using Dashboard.Core.Accounts;
using Dashboard.Data.Accounts;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Account;

public enum SignInOutcome
{
    Succeeded,
    InvalidCredentials,
    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, UserAccount? User, DateTimeOffset? LockedUntil = null);

/// <summary>Checks a user name and password, counting failures and locking the account after too many.</summary>
public sealed class AccountService(
    UserRepository users,
    IPasswordHasher<UserAccount> hasher,
    TimeProvider time,
    IOptions<AuthOptions> options,
    ILogger<AccountService> logger)
{
    private LockoutPolicy Policy => new(options.Value.MaxFailedSignIns, TimeSpan.FromMinutes(options.Value.LockoutMinutes));

    public async Task<SignInResult> CheckPasswordAsync(string userName, string password, CancellationToken ct = default)
    {
        var user = await users.FindByUserNameAsync(userName.Trim(), ct);
        if (user is null)
        {
            // Hash anyway so an unknown name costs as long as a wrong password and does not reveal itself by timing.
            hasher.HashPassword(new UserAccount(0, "", "", "", Roles.Operator, "", null, 0, null), password);
            return new SignInResult(SignInOutcome.InvalidCredentials, null);
        }

        var now = time.GetUtcNow();
        if (LockoutPolicy.IsLockedOut(user, now))
        {
            logger.LogWarning("Sign-in refused for locked account {UserId}", user.Id);
            return new SignInResult(SignInOutcome.LockedOut, user, user.LockoutEnd);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var (failures, lockoutEnd) = Policy.AfterFailure(user, now);
            await users.RecordFailedSignInAsync(user.Id, failures, lockoutEnd, ct);
            if (lockoutEnd is { } end && end > now)
            {
                logger.LogWarning("Account {UserId} locked until {LockoutEnd} after repeated failures", user.Id, end);
                return new SignInResult(SignInOutcome.LockedOut, user, end);
            }

            return new SignInResult(SignInOutcome.InvalidCredentials, null);
        }

        if (user.FailedSignIns > 0 || user.LockoutEnd is not null)
        {
            await users.ResetFailedSignInsAsync(user.Id, ct);
        }

        return new SignInResult(SignInOutcome.Succeeded, user);
    }
}
