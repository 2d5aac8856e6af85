using Dashboard.Core.Accounts;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Core.Tests.Accounts;

public sealed class LockoutPolicyTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(8)));
    private readonly LockoutPolicy _policy = LockoutPolicy.Default;

    private static UserAccount NewUser() =>
        new(1, "op1", "值班员", "hash", Roles.Operator, "330200", null, 0, null);

    private UserAccount Fail(UserAccount user)
    {
        var (failures, end) = _policy.AfterFailure(user, _clock.GetUtcNow());
        return user with { FailedSignIns = failures, LockoutEnd = end };
    }

    [Fact]
    public void Default_policy_is_five_attempts_and_fifteen_minutes()
    {
        Assert.Equal(5, LockoutPolicy.Default.MaxFailedAttempts);
        Assert.Equal(TimeSpan.FromMinutes(15), LockoutPolicy.Default.LockoutDuration);
    }

    [Fact]
    public void Four_failures_do_not_lock_the_account()
    {
        var user = NewUser();
        for (var i = 0; i < 4; i++)
        {
            user = Fail(user);
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(4, user.FailedSignIns);
        Assert.Null(user.LockoutEnd);
        Assert.False(LockoutPolicy.IsLockedOut(user, _clock.GetUtcNow()));
    }

    [Fact]
    public void Fifth_failure_locks_for_fifteen_minutes_and_resets_the_count()
    {
        var user = NewUser();
        for (var i = 0; i < 4; i++)
        {
            user = Fail(user);
        }

        var lockedAt = _clock.GetUtcNow();
        user = Fail(user);

        Assert.Equal(0, user.FailedSignIns);
        Assert.Equal(lockedAt + TimeSpan.FromMinutes(15), user.LockoutEnd);
        Assert.True(LockoutPolicy.IsLockedOut(user, _clock.GetUtcNow()));
        _clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromTicks(1));
        Assert.True(LockoutPolicy.IsLockedOut(user, _clock.GetUtcNow()));
    }

    [Fact]
    public void Lockout_is_over_exactly_at_its_end_instant()
    {
        var user = NewUser() with { LockoutEnd = _clock.GetUtcNow() + TimeSpan.FromMinutes(15) };
        _clock.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(user.LockoutEnd, _clock.GetUtcNow());
        Assert.False(LockoutPolicy.IsLockedOut(user, _clock.GetUtcNow()));
    }

    [Fact]
    public void A_custom_policy_locks_after_its_own_threshold()
    {
        var policy = new LockoutPolicy(2, TimeSpan.FromMinutes(1));
        var now = _clock.GetUtcNow();
        var (failures, end) = policy.AfterFailure(NewUser() with { FailedSignIns = 1 }, now);
        Assert.Equal(0, failures);
        Assert.Equal(now + TimeSpan.FromMinutes(1), end);
    }
}
