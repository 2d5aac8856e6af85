using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Core.Accounts;
using Dashboard.Core.Categories;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using Dashboard.Data.Positions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>What the dispatch, SLA and hub tests do over the real HTTP API: report, place officers, run commands, read the log.</summary>
public static class DispatchApi
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static IReadOnlyList<Officer> OfficersOf(this DashboardAppFactory factory, JurisdictionNode township)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(township);
        return factory.Services.GetRequiredService<CityDirectory>().Current.Officers.Where(o => o.TownshipCode == township.Code).ToList();
    }

    /// <summary>The n-th township of the first district (the demo operators' district); 0 is the home township.</summary>
    public static JurisdictionNode TownshipOfHomeDistrict(this DashboardAppFactory factory, int index)
    {
        var tree = factory.Tree();
        return tree.ChildrenOf(tree.ChildrenOf(tree.Root.Code)[0].Code)[index];
    }

    /// <summary>
    /// A category and <paramref name="count"/> officers of the township who have its skill and travel alike (e-bike), so that
    /// the recommender's ETA order is their distance order.
    /// </summary>
    public static (string Category, IReadOnlyList<Officer> Officers) SkilledSquad(this DashboardAppFactory factory, JurisdictionNode township, int count)
    {
        var officers = factory.OfficersOf(township);
        foreach (var category in DefaultCategories.All)
        {
            var squad = officers.Where(o => o.Mode == TravelMode.EBike && o.Skills.Contains(category.Code)).Take(count).ToList();
            if (squad.Count == count)
            {
                return (category.Code, squad);
            }
        }

        throw new InvalidOperationException($"no category has {count} e-bike officers with its skill in {township.Name}");
    }

    /// <summary>Reports an incident at the interior point of the township's n-th grid; returns its id and place.</summary>
    public static async Task<(long Id, double Lat, double Lon)> ReportAsync(
        this DashboardAppFactory factory, HttpClient client, JurisdictionNode township, string category = "ZDJY", int grid = 0)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (lat, lon) = factory.PointIn(township, grid);
        var response = await client.PostAsJsonAsync("/api/v1/incidents",
            new { clientId = Guid.NewGuid().ToString("N"), category, description = "测试事件：需要派发", lat, lon }, Ct);
        response.EnsureSuccessStatusCode();
        return ((await response.ReadJsonAsync()).GetProperty("id").GetInt64(), lat, lon);
    }

    /// <summary>POST with a JSON body, or with no body at all when <paramref name="body"/> is null.</summary>
    public static Task<HttpResponseMessage> CommandAsync(this HttpClient client, string path, object? body = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return body is null ? client.PostAsync(path, null, Ct) : client.PostAsJsonAsync(path, body, Ct);
    }

    /// <summary>POST a raw body (for malformed JSON).</summary>
    public static async Task<HttpResponseMessage> CommandRawAsync(this HttpClient client, string path, string body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return await client.PostAsync(path, content, Ct);
    }

    /// <summary>GET /api/v1/incidents/{id}: {incident, events, photos}.</summary>
    public static async Task<JsonElement> DetailAsync(this HttpClient client, long id)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.GetAsync($"/api/v1/incidents/{id}", Ct);
        response.EnsureSuccessStatusCode();
        return await response.ReadJsonAsync();
    }

    public static async Task<IReadOnlyList<string>> EventTypesAsync(this HttpClient client, long id) =>
        (await client.DetailAsync(id)).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToList();

    /// <summary>The event's payload, which the log keeps as a JSON string.</summary>
    public static JsonElement Payload(this JsonElement e)
    {
        using var doc = JsonDocument.Parse(e.GetProperty("payload").GetString()!);
        return doc.RootElement.Clone();
    }

    /// <summary>Posts fixes (as the admin) at the given instants and waits until they are durable and have reached the recommender and the geofence.</summary>
    public static async Task PlaceAsync(this DashboardAppFactory factory, params (int OfficerId, double Lat, double Lon, DateTimeOffset At)[] fixes)
    {
        ArgumentNullException.ThrowIfNull(factory);
        using var admin = await factory.CreateBearerClientAsync(DemoUsers.Admin);
        await admin.PostFixesAsync(factory, fixes);
    }

    /// <summary>Posts fixes as the client's user (an officer posts their own) and flushes the writer.</summary>
    public static async Task PostFixesAsync(this HttpClient client, DashboardAppFactory factory, params (int OfficerId, double Lat, double Lon, DateTimeOffset At)[] fixes)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(factory);
        var body = fixes.Select(f => new { officerId = f.OfficerId, lat = f.Lat, lon = f.Lon, at = f.At.ToString("O", CultureInfo.InvariantCulture) });
        var response = await client.PostAsJsonAsync("/api/v1/positions", body, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(fixes.Length, (await response.ReadJsonAsync()).GetProperty("accepted").GetInt32());
        await factory.Services.GetRequiredService<PositionWriter>().FlushAsync(Ct);
    }

    /// <summary>The point <paramref name="meters"/> due north of (lat, lon).</summary>
    public static (double Lat, double Lon) North(double lat, double lon, double meters) =>
        (lat + (meters / Geo.EarthRadiusMeters * 180 / Math.PI), lon);

    /// <summary>Creates an Officer account linked to the officer (demo password) and returns a bearer client for it.</summary>
    public static async Task<HttpClient> OfficerClientAsync(this DashboardAppFactory factory, Officer officer)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(officer);
        var userName = "of_" + Guid.NewGuid().ToString("N")[..10];
        await factory.CreateUserAsync(userName, Roles.Officer, officer.TownshipCode, officer.Id);
        return await factory.CreateBearerClientAsync(userName);
    }

    /// <summary>Polls until the condition holds; fails with <paramref name="failure"/> after a generous timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failure);
            }

            await Task.Delay(20, Ct);
        }
    }
}
