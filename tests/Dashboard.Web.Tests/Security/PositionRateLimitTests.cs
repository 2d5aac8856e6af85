using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Security;

public sealed class PositionRateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> TightLimits = new()
    {
        ["RateLimits:PositionsBurst"] = "3",
        ["RateLimits:PositionsPerMinute"] = "1",
    };

    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(429, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_user_posting_positions_too_fast_gets_429_with_Retry_After_and_others_are_unaffected()
    {
        await using var factory = new DashboardAppFactory { Settings = TightLimits };
        var officers = factory.Services.GetRequiredService<CityDirectory>().Current.Officers.Where(o => o.TownshipCode == factory.HomeTownship().Code).ToList();
        using var officer = await factory.CreateBearerClientAsync(DemoUsers.Officer);
        var own = officers[0].Id;
        var at = factory.Time.GetUtcNow();
        object[] Batch(int i) => [new { officerId = own, lat = 29.95 + (i * 0.001), lon = 121.60, at = at.AddSeconds(i - 10) }];

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await officer.PostAsJsonAsync("/api/v1/positions", Batch(i), Ct)).StatusCode);
        }

        await AssertLimitedAsync(await officer.PostAsJsonAsync("/api/v1/positions", Batch(3), Ct));

        using var admin = await factory.CreateBearerClientAsync(DemoUsers.Admin);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsJsonAsync("/api/v1/positions", Batch(4), Ct)).StatusCode);
    }

    [Fact]
    public async Task An_OsmAnd_device_sending_too_fast_gets_429_and_other_devices_are_unaffected()
    {
        await using var factory = new DashboardAppFactory { Settings = TightLimits };
        var officers = factory.Services.GetRequiredService<CityDirectory>().Current.Officers.Where(o => o.TownshipCode == factory.HomeTownship().Code).ToList();
        using var client = factory.CreateClient();
        var seconds = factory.Time.GetUtcNow().ToUnixTimeSeconds();
        string Fix(string device, int i) => $"/api/v1/osmand?id={device}&timestamp={seconds - 10 + i}&lat={29.95 + (i * 0.001):0.000}&lon=121.60";

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Fix(officers[1].DeviceId!, i), Ct)).StatusCode);
        }

        await AssertLimitedAsync(await client.GetAsync(Fix(officers[1].DeviceId!, 3), Ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Fix(officers[2].DeviceId!, 0), Ct)).StatusCode);
    }
}
