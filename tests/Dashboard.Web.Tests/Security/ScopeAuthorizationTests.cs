using System.Net;
using System.Net.Http.Json;
using Dashboard.Core.Accounts;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Security;

/// <summary>
/// Every scoped API route refuses a caller of the right role whose scope does not hold the resource: a township operator
/// asking for an incident, task, officer, roll-up or portrait of another district's township gets 403. The route list is
/// checked against the endpoint table so a new scoped route cannot be left out.
/// </summary>
public sealed class ScopeAuthorizationTests : IClassFixture<DashboardAppFactory>
{
    // Routes with nothing to scope: sign-in, who-am-I, the category list and its admin edit, formulas, your own tasks,
    // device pings (authenticated by device id), and positions (an officer may post only their own id: tested below).
    private static readonly string[] Unscoped =
    [
        "POST /api/v1/auth/token", "GET /api/v1/me", "GET /api/v1/categories/", "PUT /api/v1/categories/{code}",
        "GET /api/v1/metrics/definitions", "GET /api/v1/tasks/mine", "GET /api/v1/osmand", "POST /api/v1/osmand",
    ];

    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01];

    private readonly DashboardAppFactory _factory;

    public ScopeAuthorizationTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_township_operator_gets_403_for_every_scoped_route_on_another_districts_resources()
    {
        var foreign = _factory.ForeignTownship();
        var officer = _factory.OfficersOf(foreign)[0];
        using var city = await _factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var (lat, lon) = _factory.PointIn(foreign);
        var created = await city.PostAsJsonAsync("/api/v1/incidents", new
        {
            clientId = Guid.NewGuid().ToString("N"), category = "ZDJY", description = "范围测试", lat, lon,
            photos = new[] { new { contentType = "image/jpeg", data = Convert.ToBase64String(Jpeg) } },
        }, Ct);
        created.EnsureSuccessStatusCode();
        var incident = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        var detail = await city.DetailAsync(incident);
        var photo = detail.GetProperty("photos")[0].GetProperty("id").GetInt64();
        var dispatched = await city.CommandAsync($"/api/v1/incidents/{incident}/dispatch", new { officerId = officer.Id });
        dispatched.EnsureSuccessStatusCode();
        var task = (await dispatched.ReadJsonAsync()).GetProperty("task").GetProperty("id").GetInt64();
        var before = await city.DetailAsync(incident);

        var calls = new (string Pattern, HttpMethod Method, string Path, object? Body)[]
        {
            ("GET /api/v1/incidents/", HttpMethod.Get, $"/api/v1/incidents?scope={foreign.Code}", null),
            ("POST /api/v1/incidents", HttpMethod.Post, "/api/v1/incidents", new { clientId = "scope-1", category = "ZDJY", description = "越界上报", lat, lon }),
            ("GET /api/v1/incidents/{id:long}", HttpMethod.Get, $"/api/v1/incidents/{incident}", null),
            ("GET /api/v1/incidents/{id:long}/photos/{photoId:long}", HttpMethod.Get, $"/api/v1/incidents/{incident}/photos/{photo}", null),
            ("GET /api/v1/incidents/{id:long}/recommendations", HttpMethod.Get, $"/api/v1/incidents/{incident}/recommendations", null),
            ("GET /api/v1/incidents/{id:long}/tasks", HttpMethod.Get, $"/api/v1/incidents/{incident}/tasks", null),
            ("POST /api/v1/incidents/{id:long}/contact", HttpMethod.Post, $"/api/v1/incidents/{incident}/contact", new { }),
            ("POST /api/v1/incidents/{id:long}/dispatch", HttpMethod.Post, $"/api/v1/incidents/{incident}/dispatch", new { }),
            ("POST /api/v1/incidents/{id:long}/reassign", HttpMethod.Post, $"/api/v1/incidents/{incident}/reassign", new { captain = true, reason = "越界" }),
            ("POST /api/v1/incidents/{id:long}/escalate", HttpMethod.Post, $"/api/v1/incidents/{incident}/escalate", new { reason = "越界" }),
            ("POST /api/v1/incidents/{id:long}/cancel", HttpMethod.Post, $"/api/v1/incidents/{incident}/cancel", new { reason = "越界" }),
            ("POST /api/v1/incidents/{id:long}/close", HttpMethod.Post, $"/api/v1/incidents/{incident}/close", new { }),
            ("POST /api/v1/incidents/{id:long}/reopen", HttpMethod.Post, $"/api/v1/incidents/{incident}/reopen", new { reason = "越界" }),
            ("POST /api/v1/incidents/{id:long}/pause", HttpMethod.Post, $"/api/v1/incidents/{incident}/pause", new { reason = "越界" }),
            ("POST /api/v1/incidents/{id:long}/resume", HttpMethod.Post, $"/api/v1/incidents/{incident}/resume", new { }),
            ("POST /api/v1/tasks/{taskId:long}/accept", HttpMethod.Post, $"/api/v1/tasks/{task}/accept", new { }),
            ("POST /api/v1/tasks/{taskId:long}/arrive", HttpMethod.Post, $"/api/v1/tasks/{task}/arrive", new { }),
            ("POST /api/v1/tasks/{taskId:long}/resolve", HttpMethod.Post, $"/api/v1/tasks/{task}/resolve", new { note = "越界" }),
            ("POST /api/v1/tasks/{taskId:long}/cancel", HttpMethod.Post, $"/api/v1/tasks/{task}/cancel", new { reason = "越界" }),
            ("GET /api/v1/officers/{id:int}/track", HttpMethod.Get, $"/api/v1/officers/{officer.Id}/track", null),
            ("GET /api/v1/officers/{id:int}/track.gpx", HttpMethod.Get, $"/api/v1/officers/{officer.Id}/track.gpx", null),
            ("GET /api/v1/metrics/tiers", HttpMethod.Get, $"/api/v1/metrics/tiers?scope={foreign.Code}", null),
            ("GET /api/v1/portraits/{kind}/{id}", HttpMethod.Get, $"/api/v1/portraits/township/{foreign.Code}", null),
        };

        using var township = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var failures = new List<string>();
        foreach (var (pattern, method, path, body) in calls)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await township.SendAsync(request, Ct);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{pattern} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Nothing was changed by the refused calls.
        var after = await city.DetailAsync(incident);
        Assert.Equal("Dispatched", after.GetProperty("incident").GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("events").GetArrayLength(), after.GetProperty("events").GetArrayLength());

        // Every route of the endpoint table is either scoped (called above) or listed as unscoped.
        var table = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Where(r => r != "POST /api/v1/positions")
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(table.Order(), calls.Select(c => c.Pattern).Concat(Unscoped).Distinct().Where(table.Contains).Order());
        Assert.Empty(table.Except(calls.Select(c => c.Pattern)).Except(Unscoped));
    }

    [Fact]
    public async Task An_officer_may_post_positions_only_for_themselves()
    {
        var home = _factory.HomeTownship();
        var officers = _factory.OfficersOf(home);
        using var phone = await _factory.OfficerClientAsync(officers[0]);
        var (lat, lon) = _factory.PointIn(home);
        var at = _factory.Time.GetUtcNow();

        var other = await phone.PostAsJsonAsync("/api/v1/positions", new[] { new { officerId = officers[1].Id, lat, lon, at } }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var own = await phone.PostAsJsonAsync("/api/v1/positions", new[] { new { officerId = officers[0].Id, lat, lon, at } }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
    }
}
