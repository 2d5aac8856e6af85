using Dapper;
using Dashboard.Core.Accounts;
using Dashboard.Data.Accounts;

namespace Dashboard.Data.Tests.Accounts;

public abstract class UserRepositoryTests : DatabaseTests
{
    protected static UserAccount NewUser(string userName = "Zhang.Wei", int? officerId = 1) =>
        new(0, userName, "张伟", "hash:abc", Roles.Operator, TestCity.Township, officerId, 0, null);

    [Fact]
    public async Task Inserted_account_is_found_by_its_new_id()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);

        var first = await users.InsertAsync(NewUser(), Ct);
        var second = await users.InsertAsync(NewUser("leader", officerId: null) with { Role = Roles.Leader, ScopeCode = TestCity.City }, Ct);

        Assert.NotEqual(first, second);
        Assert.Equal(NewUser() with { Id = first }, await users.FindByIdAsync(first, Ct));
        Assert.Equal(NewUser("leader", null) with { Id = second, Role = Roles.Leader, ScopeCode = TestCity.City }, await users.FindByIdAsync(second, Ct));
        Assert.Null(await users.FindByIdAsync(second + 100, Ct));
        Assert.Equal(2, await users.CountAsync(Ct));
    }

    [Fact]
    public async Task User_name_lookup_ignores_case()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);
        var id = await users.InsertAsync(NewUser("Zhang.Wei"), Ct);

        Assert.Equal(id, (await users.FindByUserNameAsync("zhang.wei", Ct))?.Id);
        Assert.Equal(id, (await users.FindByUserNameAsync("ZHANG.WEI", Ct))?.Id);
        Assert.Null(await users.FindByUserNameAsync("zhang.wei2", Ct));
    }

    [Fact]
    public async Task Duplicate_user_name_differing_only_in_case_is_rejected()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);
        await users.InsertAsync(NewUser("Zhang.Wei"), Ct);

        var e = await Assert.ThrowsAsync<DuplicateUserNameException>(() => users.InsertAsync(NewUser("ZHANG.wei"), Ct));

        Assert.Equal("ZHANG.wei", e.UserName);
        Assert.Equal(1, await users.CountAsync(Ct));
    }

    [Fact]
    public async Task Other_constraint_failures_are_not_reported_as_duplicates()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => users.InsertAsync(NewUser() with { ScopeCode = "no-such-node" }, Ct));

        Assert.IsNotType<DuplicateUserNameException>(e);
    }

    [Fact]
    public async Task Failed_sign_ins_and_lockout_end_round_trip_exactly_and_reset_clears_them()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);
        var id = await users.InsertAsync(NewUser(), Ct);
        var lockoutEnd = new DateTimeOffset(2025, 3, 1, 10, 15, 30, TimeSpan.FromHours(8)).AddTicks(1234567);

        await users.RecordFailedSignInAsync(id, 3, lockoutEnd, Ct);
        var locked = await users.FindByIdAsync(id, Ct);

        Assert.Equal(3, locked!.FailedSignIns);
        Assert.Equal(lockoutEnd, locked.LockoutEnd);
        Assert.Equal(lockoutEnd.UtcTicks, locked.LockoutEnd!.Value.UtcTicks);
        Assert.True(LockoutPolicy.IsLockedOut(locked, lockoutEnd.AddSeconds(-1)));

        await users.ResetFailedSignInsAsync(id, Ct);
        var reset = await users.FindByIdAsync(id, Ct);

        Assert.Equal(0, reset!.FailedSignIns);
        Assert.Null(reset.LockoutEnd);
    }

    [Fact]
    public async Task Failed_sign_in_without_lockout_keeps_lockout_end_empty()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);
        var id = await users.InsertAsync(NewUser(), Ct);

        await users.RecordFailedSignInAsync(id, 1, null, Ct);

        var user = await users.FindByIdAsync(id, Ct);
        Assert.Equal((1, (DateTimeOffset?)null), (user!.FailedSignIns, user.LockoutEnd));
    }
}

public sealed class SqliteUserRepositoryTests : UserRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());

    [Fact]
    public async Task Lockout_end_is_written_through_the_handler_as_iso_8601_utc_text()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);
        var id = await users.InsertAsync(NewUser(), Ct);

        await users.RecordFailedSignInAsync(id, 5, new DateTimeOffset(2025, 3, 1, 10, 15, 30, TimeSpan.FromHours(8)).AddTicks(1234567), Ct);

        await using var connection = await db.Factory.OpenAsync(Ct);
        var (raw, type) = await connection.QuerySingleAsync<(string, string)>("SELECT lockout_end, typeof(lockout_end) FROM users WHERE id = @id", new { id });
        Assert.Equal(("2025-03-01T02:15:30.1234567Z", "text"), (raw, type));
    }

    [Fact]
    public async Task Lockout_end_text_is_read_through_the_handler()
    {
        await using var db = await CreateSeededAsync();
        var users = new UserRepository(db.Factory, TimeProvider.System);
        var id = await users.InsertAsync(NewUser(), Ct);
        await using (var connection = await db.Factory.OpenAsync(Ct))
        {
            await connection.ExecuteAsync("UPDATE users SET lockout_end = '2030-12-31T23:59:59.0000001Z' WHERE id = @id", new { id });
        }

        var user = await users.FindByIdAsync(id, Ct);

        Assert.Equal(new DateTimeOffset(2030, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1), user!.LockoutEnd);
    }
}
