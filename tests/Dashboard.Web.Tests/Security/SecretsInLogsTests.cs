using System.Net;
using System.Net.Http.Headers;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Dashboard.Web.Tests.Security;

public sealed class SecretsInLogsTests
{
    private const string Password = "Pw-7f3c9d-Secret!";
    private const string WrongPassword = "Wrong-4be21a-Guess!";
    private const string DatabasePassword = "Db-91e0aa-Secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class SecretsFactory : LoggedAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Demo:Password", Password);
            // SQLite (without SQLCipher) refuses a password, so the connection string with one is Redis's: a port nobody listens on,
            // which makes the app log its failed connects, where a careless message would show the string.
            builder.UseSetting("Redis:Configuration", $"127.0.0.1:1,password={DatabasePassword},abortConnect=false,connectTimeout=200");
        }
    }

    [Fact]
    public async Task Passwords_tokens_and_the_connection_string_password_never_reach_any_log_at_any_level()
    {
        await using var factory = new SecretsFactory();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RequestTokenAsync(DemoUsers.CityOperator, WrongPassword)).StatusCode);
        var signedIn = await client.RequestTokenAsync(DemoUsers.CityOperator, Password);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var json = await signedIn.ReadJsonAsync();
        var token = json.GetProperty("accessToken").GetString()!;
        var refresh = json.GetProperty("refreshToken").GetString()!;

        using (var browser = factory.CreateBrowserClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await BrowserSession.PostLoginFormAsync(browser, DemoUsers.Leader, WrongPassword)).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await BrowserSession.PostLoginFormAsync(browser, DemoUsers.Leader, Password)).StatusCode);
        }

        using var api = factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me", Ct)).StatusCode);
        using var forged = factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/me", Ct)).StatusCode);

        var entries = factory.Logs.Entries.ToList();
        // The failed Redis connects were logged, so the connection string was in play.
        Assert.Contains(entries, e => e.Category.Contains("Redis", StringComparison.Ordinal));
        foreach (var secret in new[] { Password, WrongPassword, DatabasePassword, token, refresh, token[..^4] + "AAAA" })
        {
            Assert.DoesNotContain(entries, e => e.ToString().Contains(secret, StringComparison.Ordinal));
        }
    }
}
