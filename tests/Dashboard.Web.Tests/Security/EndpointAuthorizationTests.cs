using System.Net;
using System.Text;
using Dashboard.Core.Accounts;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Security;

/// <summary>
/// Every API route and the hub, found from the app's own endpoint table (so a new route cannot be forgotten): anonymous callers get
/// 401, and callers whose role the route does not admit get 403 before any handler runs.
/// </summary>
public sealed class EndpointAuthorizationTests : IClassFixture<DashboardAppFactory>
{
    private static readonly Dictionary<string, string> UserOfRole = new(StringComparer.Ordinal)
    {
        [Roles.Operator] = DemoUsers.CityOperator,
        [Roles.Leader] = DemoUsers.Leader,
        [Roles.GridCaptain] = DemoUsers.GridCaptain,
        [Roles.Officer] = DemoUsers.Officer,
        [Roles.Admin] = DemoUsers.Admin,
    };

    private readonly DashboardAppFactory _factory;

    public EndpointAuthorizationTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Route(string Method, string Pattern, string Path, RouteEndpoint Endpoint)
    {
        public override string ToString() => $"{Method} {Pattern}";
    }

    private List<Route> Routes()
    {
        var township = _factory.HomeTownship().Code;
        var source = _factory.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/hubs/", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new Route(m, e.RoutePattern.RawText!, Fill(e, township), e)))
            .ToList();
    }

    /// <summary>A concrete path for a route pattern: numeric ids, a real township for portraits, a real category code.</summary>
    private static string Fill(RouteEndpoint endpoint, string township)
    {
        var path = new StringBuilder();
        foreach (var segment in endpoint.RoutePattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "kind" } => "township",
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "code" } => "ZDJY",
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" } p when p.ParameterPolicies.Count == 0 => township,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "1",
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                    _ => "",
                });
            }
        }

        return path.ToString();
    }

    private static bool IsAnonymous(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    private static List<string>? AdmittedRoles(RouteEndpoint endpoint)
    {
        var roles = endpoint.Metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements.OfType<RolesAuthorizationRequirement>())
            .Concat(endpoint.Metadata.OfType<IAuthorizeData>().Where(a => !string.IsNullOrEmpty(a.Roles))
                .Select(a => new RolesAuthorizationRequirement(a.Roles!.Split(',', StringSplitOptions.TrimEntries))))
            .ToList();
        // Several requirements all apply: a role must satisfy each of them.
        return roles.Count == 0 ? null : Roles.All.Where(r => roles.All(req => req.AllowedRoles.Contains(r))).ToList();
    }

    private static HttpRequestMessage Request(Route route)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path);
        if (route.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }

    [Fact]
    public void The_endpoint_table_holds_the_routes_this_suite_is_about()
    {
        var patterns = Routes().Select(r => r.Pattern).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("/api/v1/incidents/", patterns);
        Assert.Contains("/api/v1/metrics/tiers", patterns);
        Assert.Contains("/api/v1/portraits/{kind}/{id}", patterns);
        Assert.Contains("/api/v1/positions", patterns);
        Assert.Contains(patterns, p => p.StartsWith("/hubs/command", StringComparison.Ordinal));
        Assert.True(patterns.Count >= 30, $"{patterns.Count} routes");
    }

    [Fact]
    public async Task Every_route_that_is_not_explicitly_anonymous_answers_401_to_an_anonymous_caller()
    {
        using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var failures = new List<string>();
        foreach (var route in Routes().Where(r => !IsAnonymous(r.Endpoint)))
        {
            using var request = Request(route);
            using var response = await client.SendAsync(request, Ct);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{route} ({route.Path}) → {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Only_the_sign_in_device_and_health_routes_are_anonymous()
    {
        var anonymous = Routes().Where(r => IsAnonymous(r.Endpoint)).Select(r => r.Pattern).Distinct().Order().ToList();
        Assert.Equal(["/api/v1/auth/token", "/api/v1/osmand"], anonymous);
    }

    [Fact]
    public async Task Every_role_restricted_route_answers_403_to_each_role_it_does_not_admit()
    {
        var failures = new List<string>();
        var checkedRoutes = 0;
        foreach (var role in Roles.All)
        {
            using var client = await _factory.CreateBearerClientAsync(UserOfRole[role]);
            foreach (var route in Routes().Where(r => !IsAnonymous(r.Endpoint) && AdmittedRoles(r.Endpoint) is { } admitted && !admitted.Contains(role)))
            {
                checkedRoutes++;
                using var request = Request(route);
                using var response = await client.SendAsync(request, Ct);
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{role}: {route} ({route.Path}) → {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(checkedRoutes >= 20, $"{checkedRoutes} role checks");
    }
}
