namespace Dashboard.Core.Accounts;

/// <summary>Locks an account for <see cref="LockoutDuration"/> after <see cref="MaxFailedAttempts"/> consecutive failures.</summary>
public sealed record LockoutPolicy(int MaxFailedAttempts, TimeSpan LockoutDuration)
{
    public static LockoutPolicy Default { get; } = new(5, TimeSpan.FromMinutes(15));

    public static bool IsLockedOut(UserAccount user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.LockoutEnd is { } end && end > now;
    }

    /// <summary>The failure count and lockout end to store after one more failed attempt.</summary>
    public (int FailedSignIns, DateTimeOffset? LockoutEnd) AfterFailure(UserAccount user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        var failures = user.FailedSignIns + 1;
        return failures >= MaxFailedAttempts
            ? (0, now + LockoutDuration)
            : (failures, user.LockoutEnd);
    }
}
