using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using Dashboard.Core.Accounts;
using Dashboard.Data.Positions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Map;

public sealed class PositionApiTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public PositionApiTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Core.Officers.Officer DemoOfficer =>
        _factory.Services.GetRequiredService<CityDirectory>().Current.Officers.First(o => o.TownshipCode == _factory.HomeTownship().Code);

    /// <summary>A different officer per test, so one test's fixes never look like another's jump to the jitter filter.</summary>
    private Core.Officers.Officer OfficerAt(int index) =>
        _factory.Services.GetRequiredService<CityDirectory>().Current.Officers.Where(o => o.TownshipCode == _factory.HomeTownship().Code).ElementAt(index);

    private PositionRepository Positions => _factory.Services.GetRequiredService<PositionRepository>();

    private Task FlushAsync() => _factory.Services.GetRequiredService<PositionWriter>().FlushAsync(Ct);

    private string Now(double secondsOffset = 0) => _factory.Time.GetUtcNow().AddSeconds(secondsOffset).ToString("O", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Officer_posts_a_batch_of_own_positions_and_they_are_durable()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.Officer);
        var id = DemoOfficer.Id;

        var response = await client.PostAsJsonAsync("/api/v1/positions", new object[]
        {
            new { officerId = id, lat = 29.95, lon = 121.60, at = Now(-20), speed = 4.2, heading = 90, accuracy = 8 },
            new { officerId = id, lat = 29.951, lon = 121.60, at = Now(-10) },
        }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("accepted").GetInt32());
        await FlushAsync();
        var latest = await Positions.LatestOfAsync(id, Ct);
        Assert.Equal(29.951, latest!.Latitude);
        Assert.True(await Positions.CountTrackRowsAsync(Ct) >= 2);
    }

    [Fact]
    public async Task An_older_position_is_kept_in_the_track_but_does_not_move_the_officer_back()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.Admin);
        var id = OfficerAt(1).Id;
        await client.PostAsJsonAsync("/api/v1/positions", new[] { new { officerId = id, lat = 29.97, lon = 121.61, at = Now(-1) } }, Ct);
        await FlushAsync();

        var late = await client.PostAsJsonAsync("/api/v1/positions", new[] { new { officerId = id, lat = 29.90, lon = 121.50, at = Now(-300) } }, Ct);
        await FlushAsync();

        Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
        Assert.Equal(29.97, (await Positions.LatestOfAsync(id, Ct))!.Latitude);
        var track = await Positions.TrackAsync(id, _factory.Time.GetUtcNow().AddMinutes(-10), _factory.Time.GetUtcNow(), ct: Ct);
        Assert.Contains(track, f => f.Latitude == 29.90);
    }

    [Fact]
    public async Task Bad_positions_are_400_naming_each_item_field_and_nothing_is_stored()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.Admin);
        var before = await Positions.CountTrackRowsAsync(Ct);

        var response = await client.PostAsJsonAsync("/api/v1/positions", new object[]
        {
            new { officerId = DemoOfficer.Id, lat = 29.95, lon = 121.6, at = Now() },
            new { officerId = DemoOfficer.Id, lat = 95.0, lon = 121.6, at = Now() },
            new { officerId = 999_999, lat = 29.95, lon = 121.6, at = Now() },
            new { officerId = DemoOfficer.Id, lat = 29.95, lon = 200.0, at = Now(3600) },
            new { officerId = DemoOfficer.Id, lat = "x", lon = 121.6, at = "yesterday" },
        }, Ct);
        await FlushAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        foreach (var field in new[] { "[1].lat", "[2].officerId", "[3].lon", "[3].at", "[4].lat", "[4].at" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"errors name {field}: {errors}");
        }

        Assert.Equal(before, await Positions.CountTrackRowsAsync(Ct));
    }

    [Fact]
    public async Task Empty_or_oversized_batches_and_non_arrays_are_400()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.Admin);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/positions", Array.Empty<object>(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/positions", new { lat = 1 }, Ct)).StatusCode);
        var tooMany = Enumerable.Range(0, 1001).Select(_ => new { officerId = DemoOfficer.Id, lat = 29.95, lon = 121.6, at = Now() });
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/positions", tooMany, Ct)).StatusCode);
    }

    [Fact]
    public async Task An_officer_cannot_post_another_officers_position_and_an_operator_cannot_post_at_all()
    {
        var someoneElse = _factory.Services.GetRequiredService<CityDirectory>().Current.Officers[^1];
        using var officer = await _factory.CreateBearerClientAsync(DemoUsers.Officer);
        var forged = await officer.PostAsJsonAsync("/api/v1/positions", new[] { new { officerId = someoneElse.Id, lat = 29.95, lon = 121.6, at = Now() } }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        using var operatorClient = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var wrongRole = await operatorClient.PostAsJsonAsync("/api/v1/positions", new[] { new { officerId = someoneElse.Id, lat = 29.95, lon = 121.6, at = Now() } }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);

        using var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/positions", Array.Empty<object>(), Ct)).StatusCode);
    }

    [Fact]
    public async Task Traccar_client_get_and_post_move_the_officer_by_device_id()
    {
        using var client = _factory.CreateClient();
        var officer = OfficerAt(2);
        var seconds = _factory.Time.GetUtcNow().ToUnixTimeSeconds();

        var get = await client.GetAsync($"/api/v1/osmand?id={officer.DeviceId}&timestamp={seconds - 5}&lat=29.96&lon=121.62&speed=9.7&bearing=45&altitude=10&accuracy=6&batt=80", Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = officer.DeviceId!, ["timestamp"] = (seconds - 1).ToString(CultureInfo.InvariantCulture), ["lat"] = "29.961", ["lon"] = "121.621",
        });
        var post = await client.PostAsync("/api/v1/osmand", form, Ct);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        await FlushAsync();
        var latest = await Positions.LatestOfAsync(officer.Id, Ct);
        Assert.Equal((29.961, 121.621), (latest!.Latitude, latest.Longitude));
    }

    [Fact]
    public async Task Unknown_device_is_404_and_bad_parameters_are_400_naming_them()
    {
        using var client = _factory.CreateClient();

        var unknown = await client.GetAsync("/api/v1/osmand?id=no-such-device&lat=29.9&lon=121.6", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var bad = await client.GetAsync($"/api/v1/osmand?id={DemoOfficer.DeviceId}&lat=abc&lon=121.6&timestamp=9999999999", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("lat", out _));
    }

    [Fact]
    public async Task Track_exports_as_gpx_for_operators_in_scope_only()
    {
        using var officer = await _factory.CreateBearerClientAsync(DemoUsers.Admin);
        var id = OfficerAt(3).Id;
        await officer.PostAsJsonAsync("/api/v1/positions", new object[]
        {
            new { officerId = id, lat = 29.940, lon = 121.60, at = Now(-50) },
            new { officerId = id, lat = 29.942, lon = 121.60, at = Now(-40) },
            new { officerId = id, lat = 29.944, lon = 121.60, at = Now(-30) },
        }, Ct);
        await FlushAsync();
        var window = $"from={Uri.EscapeDataString(Now(-60))}&to={Uri.EscapeDataString(Now(-25))}";

        using var township = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var gpx = await township.GetAsync($"/api/v1/officers/{id}/track.gpx?{window}", Ct);
        Assert.Equal(HttpStatusCode.OK, gpx.StatusCode);
        Assert.Equal("application/gpx+xml", gpx.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await gpx.Content.ReadAsStringAsync(Ct));
        XNamespace ns = "http://www.topografix.com/GPX/1/1";
        var points = xml.Descendants(ns + "trkpt").ToList();
        Assert.Equal(3, points.Count);
        Assert.Equal("29.94", points[0].Attribute("lat")!.Value);

        var json = await (await township.GetAsync($"/api/v1/officers/{id}/track?{window}", Ct)).ReadJsonAsync();
        Assert.Equal(3, json.GetArrayLength());

        var foreign = "op_" + Guid.NewGuid().ToString("N")[..8];
        await _factory.CreateUserAsync(foreign, Roles.Operator, _factory.ForeignTownship().Code);
        using var outsider = await _factory.CreateBearerClientAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/v1/officers/{id}/track.gpx?{window}", Ct)).StatusCode);

        var badWindow = await township.GetAsync($"/api/v1/officers/{id}/track?from={Uri.EscapeDataString(Now())}&to={Uri.EscapeDataString(Now(-60))}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badWindow.StatusCode);
    }
}
