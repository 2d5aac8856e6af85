using System.Net;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Dashboard.Web.Tests.Hosting;

public sealed class DemoProductionGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class ProductionFactory(bool allow) : DashboardAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            if (allow)
            {
                builder.UseSetting("Demo:AllowInProduction", "true");
            }
        }
    }

    [Fact]
    public async Task Demo_mode_stops_a_production_host_at_start_naming_the_setting()
    {
        await using var factory = new ProductionFactory(allow: false);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var message = error is AggregateException a ? a.Flatten().InnerExceptions[0].Message : error.Message;
        Assert.Contains("Demo:Enabled", message, StringComparison.Ordinal);
        Assert.Contains("Demo:AllowInProduction", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_runs_in_production_only_with_the_explicit_opt_in()
    {
        await using var factory = new ProductionFactory(allow: true);
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RequestTokenAsync("city_op", DashboardAppFactory.DemoPassword)).StatusCode);
    }
}
