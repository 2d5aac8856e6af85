using System.Net;
using System.Text.RegularExpressions;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>Signs in through the real HTML form the way a browser does: GET the page, post it back with its antiforgery token.</summary>
public static partial class BrowserSession
{
    public static async Task<HttpResponseMessage> PostLoginFormAsync(HttpClient client, string userName, string password, string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ct = TestContext.Current.CancellationToken;
        var path = returnUrl is null ? "/account/login" : $"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}";
        var page = await client.GetStringAsync(path, ct);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "the sign-in form carries an antiforgery token");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });
        return await client.PostAsync(path, form, ct);
    }

    /// <summary>GET a page and return its text with HTML entities decoded.</summary>
    public static async Task<string> GetPageAsync(this HttpClient client, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        return WebUtility.HtmlDecode(await client.GetStringAsync(path, ct));
    }

    public static async Task<HttpClient> SignedInClientAsync(DashboardAppFactory factory, string userName)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateBrowserClient();
        var response = await PostLoginFormAsync(client, userName, DashboardAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
