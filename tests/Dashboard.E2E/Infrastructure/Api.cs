using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Core.Positions;
using Dashboard.Data.Positions;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.E2E.Infrastructure;

/// <summary>What the tests do over the app's real HTTP API on 127.0.0.1 (as the demo users, with bearer tokens).</summary>
public sealed class Api(ConsoleApp app) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = app.BaseAddress };
    private readonly Dictionary<string, string> _tokens = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<string> TokenAsync(string user)
    {
        if (_tokens.TryGetValue(user, out var token))
        {
            return token;
        }

        var response = await _http.PostAsJsonAsync("api/v1/auth/token", new { username = user, password = ConsoleApp.DemoPassword }, Ct);
        response.EnsureSuccessStatusCode();
        token = (await ReadAsync(response)).GetProperty("accessToken").GetString()!;
        _tokens[user] = token;
        return token;
    }

    public async Task<JsonElement> GetAsync(string user, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        using var response = await _http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} as {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await ReadAsync(response);
    }

    public async Task<JsonElement> PostAsync(string user, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        using var response = await _http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} as {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await ReadAsync(response);
    }

    /// <summary>Posts fixes as <paramref name="user"/> (an officer posts their own, the admin anyone's) and waits until they are durable.</summary>
    public async Task PostFixesAsync(string user, params (int OfficerId, double Lat, double Lon, DateTimeOffset At)[] fixes)
    {
        var body = fixes.Select(f => new { officerId = f.OfficerId, lat = f.Lat, lon = f.Lon, at = f.At.ToString("O", CultureInfo.InvariantCulture) });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/positions") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        using var response = await _http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(fixes.Length, (await ReadAsync(response)).GetProperty("accepted").GetInt32());
        await app.Services.GetRequiredService<PositionWriter>().FlushAsync(Ct);
    }

    /// <summary>The point <paramref name="meters"/> due north of (lat, lon).</summary>
    public static (double Lat, double Lon) North(double lat, double lon, double meters) =>
        (lat + (meters / Geo.EarthRadiusMeters * 180 / Math.PI), lon);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
