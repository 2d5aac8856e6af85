using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Security;

public sealed partial class SecurityHeadersTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public SecurityHeadersTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("<script type=\"importmap\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ImportMapScript();

    private static Dictionary<string, string[]> Directives(HttpResponseMessage response)
    {
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        return csp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(d => d[0], d => d[1..], StringComparer.Ordinal);
    }

    private static Dictionary<string, string[]> AssertHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var csp = Directives(response);
        Assert.Equal(["'self'"], csp["default-src"]);
        Assert.Equal(["'none'"], csp["frame-ancestors"]);
        Assert.Equal(["'none'"], csp["object-src"]);
        Assert.Equal(["'self'", "'unsafe-inline'"], csp["style-src"]);
        Assert.Equal(["'self'", "data:", "blob:"], csp["img-src"]);
        Assert.Equal(["'self'", "ws:", "wss:"], csp["connect-src"]);
        Assert.Equal("'self'", csp["script-src"][0]);
        Assert.DoesNotContain(csp.Values.SelectMany(v => v), v => v is "'unsafe-eval'" or "*" || v.StartsWith("http", StringComparison.Ordinal));
        Assert.DoesNotContain("'unsafe-inline'", csp["script-src"]);
        return csp;
    }

    [Fact]
    public async Task A_page_admits_only_its_own_scripts_and_the_import_map_it_carries()
    {
        using var client = _factory.CreateBrowserClient();
        var response = await client.GetAsync("/account/login", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var csp = AssertHeaders(response);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var importMap = ImportMapScript().Match(html);
        Assert.True(importMap.Success, "the page renders Blazor's import map");
        var hash = $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.Groups[1].Value)))}'";
        Assert.Equal(["'self'", hash], csp["script-src"]);
        Assert.Equal(1, Regex.Count(html, "<script(?![^>]*\\bsrc=)", RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task An_API_response_and_a_static_file_carry_the_same_headers()
    {
        using var api = await _factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var json = await api.GetAsync("/api/v1/categories", Ct);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(["'self'"], AssertHeaders(json)["script-src"]);

        using var anonymous = _factory.CreateClient();
        var denied = await anonymous.GetAsync("/api/v1/categories", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        AssertHeaders(denied);

        var file = await anonymous.GetAsync("/favicon.svg", Ct);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        AssertHeaders(file);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("http://tiles.local/{z}/{x}/{y}.png", "http://tiles.local")]
    [InlineData("https://{s}.tiles.example:8443/osm/{z}/{x}/{y}.png", "https://*.tiles.example:8443")]
    public void A_configured_basemap_is_admitted_as_an_image_origin(string template, string? origin)
    {
        Assert.Equal(origin, SecurityHeaders.TileOrigin(template));
        Assert.Contains(origin is null ? "img-src 'self' data: blob:;" : $"img-src 'self' data: blob: {origin};", SecurityHeaders.Policy(null, origin), StringComparison.Ordinal);
    }
}
