using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dashboard.Web.Tests.Infrastructure;

public static class ApiClientExtensions
{
    public static async Task<HttpResponseMessage> RequestTokenAsync(this HttpClient client, string? username, string? password) =>
        await client.PostAsJsonAsync("/api/v1/auth/token", new { username, password }, TestContext.Current.CancellationToken);

    /// <summary>A client authenticated with a bearer token for the given demo user.</summary>
    public static async Task<HttpClient> CreateBearerClientAsync(this DashboardAppFactory factory, string username)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateClient();
        var response = await client.RequestTokenAsync(username, DashboardAppFactory.DemoPassword);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("accessToken").GetString());
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
