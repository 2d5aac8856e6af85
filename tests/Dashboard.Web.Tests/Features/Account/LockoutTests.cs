using System.Net;
using Dashboard.Data.Accounts;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Account;

// Its own app: lockout changes the shared user rows and advances the clock.
public sealed class LockoutTests : IDisposable
{
    private readonly DashboardAppFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes_even_against_the_right_password()
    {
        using var client = _factory.CreateClient();
        for (var i = 1; i <= 4; i++)
        {
            var wrong = await client.RequestTokenAsync(DemoUsers.TownshipOperator, $"wrong-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var fifth = await client.RequestTokenAsync(DemoUsers.TownshipOperator, "wrong-5");
        Assert.Equal(HttpStatusCode.Locked, fifth.StatusCode);

        var rightButLocked = await client.RequestTokenAsync(DemoUsers.TownshipOperator, DashboardAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Locked, rightButLocked.StatusCode);
        Assert.Equal("application/problem+json", rightButLocked.Content.Headers.ContentType?.MediaType);

        var stored = await _factory.Services.GetRequiredService<UserRepository>()
            .FindByUserNameAsync(DemoUsers.TownshipOperator, TestContext.Current.CancellationToken);
        Assert.Equal(_factory.Time.GetUtcNow().AddMinutes(15), stored!.LockoutEnd);

        _factory.Time.Advance(TimeSpan.FromMinutes(15));
        var afterLockout = await client.RequestTokenAsync(DemoUsers.TownshipOperator, DashboardAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, afterLockout.StatusCode);
    }

    [Fact]
    public async Task A_successful_sign_in_resets_the_failure_count()
    {
        using var client = _factory.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            await client.RequestTokenAsync(DemoUsers.Leader, "wrong");
        }

        Assert.Equal(HttpStatusCode.OK, (await client.RequestTokenAsync(DemoUsers.Leader, DashboardAppFactory.DemoPassword)).StatusCode);
        var stored = await _factory.Services.GetRequiredService<UserRepository>()
            .FindByUserNameAsync(DemoUsers.Leader, TestContext.Current.CancellationToken);
        Assert.Equal(0, stored!.FailedSignIns);

        var oneMoreWrong = await client.RequestTokenAsync(DemoUsers.Leader, "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, oneMoreWrong.StatusCode);
    }
}
