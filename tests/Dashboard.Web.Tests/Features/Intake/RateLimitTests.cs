using System.Net;
using System.Net.Http.Json;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Intake;

public sealed class RateLimitTests
{
    private static readonly Dictionary<string, string> TightLimits = new()
    {
        ["RateLimits:IntakeBurst"] = "3",
        ["RateLimits:IntakePerMinute"] = "1",
    };

    [Fact]
    public async Task A_user_who_reports_too_fast_gets_429_problem_json_and_others_are_unaffected()
    {
        await using var factory = new DashboardAppFactory { Settings = TightLimits };
        using var captain = await factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        var (lat, lon) = factory.PointIn(factory.HomeTownship());
        object Body() => new { clientId = Guid.NewGuid().ToString("N"), category = "ZDJY", description = "x", lat, lon };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await captain.PostAsJsonAsync("/api/v1/incidents", Body(), TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Created));
        var limited = await captain.PostAsJsonAsync("/api/v1/incidents", Body(), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);

        using var operatorClient = await factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PostAsJsonAsync("/api/v1/incidents", Body(), TestContext.Current.CancellationToken)).StatusCode);
    }
}
