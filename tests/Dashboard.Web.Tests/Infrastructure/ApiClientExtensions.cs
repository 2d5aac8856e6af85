using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dashboard.Web.Tests.Infrastructure;

public static class ApiClientExtensions
{
    public static async Task<HttpResponseMessage> RequestTokenAsync(this HttpClient client, string? username, string? password) =>
        await client.PostAsJsonAsync("/api/v1/auth/token", new { username, password }, TestContext.Current.CancellationToken);

    /// <summary>The access token of a user whose password is the demo password.</summary>
    public static async Task<string> TokenAsync(this HttpClient client, string username)
    {
        var response = await client.RequestTokenAsync(username, DashboardAppFactory.DemoPassword);
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A client authenticated with a bearer token for the given demo user.</summary>
    public static async Task<HttpClient> CreateBearerClientAsync(this DashboardAppFactory factory, string username)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await client.TokenAsync(username));
        return client;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
