using System.Net;
using System.Net.Http.Json;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Account;

public sealed class TokenEndpointTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public TokenEndpointTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Correct_password_issues_a_bearer_token_that_carries_the_users_scope()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.DistrictOperator);

        var me = await (await client.GetAsync("/api/v1/me", Ct)).ReadJsonAsync();

        var tree = _factory.Services.GetRequiredService<CityDirectory>().Tree;
        var district = tree.ChildrenOf(tree.Root.Code)[0];
        Assert.Equal(DemoUsers.DistrictOperator, me.GetProperty("userName").GetString());
        Assert.Equal("Operator", me.GetProperty("role").GetString());
        Assert.Equal(district.Code, me.GetProperty("scope").GetString());
        Assert.Equal(district.Name, me.GetProperty("scopeName").GetString());
        Assert.Equal("District", me.GetProperty("scopeLevel").GetString());
    }

    [Fact]
    public async Task Token_response_is_a_bearer_access_token_with_expiry()
    {
        using var client = _factory.CreateClient();

        var response = await client.RequestTokenAsync(DemoUsers.CityOperator, DashboardAppFactory.DemoPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.Equal(8 * 3600, body.GetProperty("expiresIn").GetInt64());
    }

    [Fact]
    public async Task Wrong_password_is_401_problem_json()
    {
        using var client = _factory.CreateClient();

        var response = await client.RequestTokenAsync(DemoUsers.Leader, "not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Wrong user name or password", (await response.ReadJsonAsync()).GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_user_is_401_like_a_wrong_password()
    {
        using var client = _factory.CreateClient();

        var response = await client.RequestTokenAsync("nobody", "whatever");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Missing_fields_are_400_naming_each_field()
    {
        using var client = _factory.CreateClient();

        var response = await client.RequestTokenAsync(null, "");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("username", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Malformed_json_is_400_problem_json()
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent("{\"username\": ", System.Text.Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/v1/auth/token", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Api_without_credentials_is_401_not_a_redirect()
    {
        using var client = _factory.CreateBrowserClient();

        var response = await client.GetAsync("/api/v1/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Forged_bearer_token_is_401()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-real-token");

        var response = await client.GetAsync("/api/v1/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
