using System.Net;
using Dashboard.Core.Demo;
using Dashboard.Data;
using Dashboard.Data.Accounts;
using Dashboard.Data.Demo;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Hosting;

public sealed class DemoModeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Demo_mode_creates_the_documented_users_once()
    {
        await using var factory = new DashboardAppFactory();
        using var client = factory.CreateClient();

        var users = factory.Services.GetRequiredService<UserRepository>();
        foreach (var name in DashboardAppFactory.DemoUserNames)
        {
            Assert.NotNull(await users.FindByUserNameAsync(name, Ct));
        }

        Assert.Equal(DashboardAppFactory.DemoUserNames.Length, await users.CountAsync(Ct));
    }

    [Fact]
    public async Task Demo_users_are_never_created_outside_demo_mode()
    {
        await using var factory = new DashboardAppFactory { DemoEnabled = false };
        // Boundaries present (as after an import), demo switched off.
        var db = new DbConnectionFactory(new DatabaseOptions { ConnectionString = factory.ConnectionString });
        await new SchemaMigrator(db).MigrateAsync(Ct);
        await new DemoCitySeeder(db).SeedIfEmptyAsync(DemoCityGenerator.Generate(), Ct);

        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);
        Assert.Equal(0, await factory.Services.GetRequiredService<UserRepository>().CountAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RequestTokenAsync("city_op", DashboardAppFactory.DemoPassword)).StatusCode);
    }
}
