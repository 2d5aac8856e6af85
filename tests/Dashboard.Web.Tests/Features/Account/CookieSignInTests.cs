using System.Net;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Account;

public sealed class CookieSignInTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public CookieSignInTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The redirect target, which must stay on this server.</summary>
    private static string LocalPath(HttpResponseMessage response)
    {
        var location = response.Headers.Location!;
        if (location.IsAbsoluteUri)
        {
            Assert.Equal("localhost", location.Host);
            return location.PathAndQuery;
        }

        return location.OriginalString;
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_the_sign_in_page()
    {
        using var client = _factory.CreateBrowserClient();

        var response = await client.GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_page_is_chinese_by_default_and_english_on_request()
    {
        using var client = _factory.CreateBrowserClient();

        var chinese = await client.GetPageAsync("/account/login", Ct);
        Assert.Contains("综合行政执法指挥平台", chinese, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\"", chinese, StringComparison.Ordinal);
        // The bar blazor.web.js shows when a page's live connection fails, in the page's language.
        Assert.Contains("<div id=\"blazor-error-ui\" role=\"alert\">", chinese, StringComparison.Ordinal);
        Assert.Contains("发生错误，本页已停止实时更新。", chinese, StringComparison.Ordinal);

        var set = await client.GetAsync("/culture/set?culture=en&redirectUri=%2Faccount%2Flogin", Ct);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal("/account/login", set.Headers.Location!.OriginalString);

        var english = await client.GetPageAsync("/account/login", Ct);
        Assert.Contains("Law Enforcement Command Console", english, StringComparison.Ordinal);
        Assert.Contains("this page has stopped updating live", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Culture_switch_rejects_unknown_cultures_and_foreign_redirects()
    {
        using var client = _factory.CreateBrowserClient();

        var bad = await client.GetAsync("/culture/set?culture=fr&redirectUri=%2F", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.ReadJsonAsync()).GetProperty("errors").TryGetProperty("culture", out _));

        var offsite = await client.GetAsync("/culture/set?culture=en&redirectUri=%2F%2Fevil.example", Ct);
        Assert.Equal("/", offsite.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task City_operator_signs_in_and_sees_the_shell_with_the_city_name()
    {
        using var client = _factory.CreateBrowserClient();

        var response = await BrowserSession.PostLoginFormAsync(client, DemoUsers.CityOperator, DashboardAppFactory.DemoPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", LocalPath(response));
        var shell = await client.GetPageAsync("/", Ct);
        var city = _factory.Services.GetRequiredService<CityDirectory>().Tree.Root;
        Assert.Contains(city.Name, shell, StringComparison.Ordinal);
        Assert.Contains("未结事件", shell, StringComparison.Ordinal);
        Assert.Contains("data-kpi=\"officers\"", shell, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_returns_to_a_local_return_url_but_never_offsite()
    {
        using var client = _factory.CreateBrowserClient();

        var local = await BrowserSession.PostLoginFormAsync(client, DemoUsers.Leader, DashboardAppFactory.DemoPassword, "/?tab=1");
        Assert.Equal("/?tab=1", LocalPath(local));

        using var other = _factory.CreateBrowserClient();
        var offsite = await BrowserSession.PostLoginFormAsync(other, DemoUsers.Leader, DashboardAppFactory.DemoPassword, "https://evil.example/");
        Assert.Equal("/", LocalPath(offsite));
    }

    [Fact]
    public async Task Wrong_password_shows_a_visible_message_and_sets_no_cookie()
    {
        using var client = _factory.CreateBrowserClient();

        var response = await BrowserSession.PostLoginFormAsync(client, DemoUsers.Admin, "nope");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("用户名或密码错误", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie") &&
                     response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("dashboard.auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Login_form_post_without_antiforgery_token_is_rejected()
    {
        using var client = _factory.CreateBrowserClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.UserName"] = DemoUsers.CityOperator,
            ["Input.Password"] = DashboardAppFactory.DemoPassword,
        });

        var response = await client.PostAsync("/account/login", form, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Township_operator_home_shows_only_the_township()
    {
        using var client = await BrowserSession.SignedInClientAsync(_factory, DemoUsers.TownshipOperator);
        var tree = _factory.Services.GetRequiredService<CityDirectory>().Tree;
        var township = tree.ChildrenOf(tree.ChildrenOf(tree.Root.Code)[0].Code)[0];
        var otherTownship = tree.ChildrenOf(tree.ChildrenOf(tree.Root.Code)[1].Code)[0];

        var shell = await client.GetPageAsync("/", Ct);

        Assert.Contains(township.Name, shell, StringComparison.Ordinal);
        Assert.DoesNotContain(otherTownship.Name, shell, StringComparison.Ordinal);
    }
}
