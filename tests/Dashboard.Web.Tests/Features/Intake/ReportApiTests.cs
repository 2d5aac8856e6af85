using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Core.Accounts;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Intake;

public sealed class ReportApiTests : IClassFixture<DashboardAppFactory>
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01];
    private readonly DashboardAppFactory _factory;

    public ReportApiTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, object?> ValidBody(string? clientId = null)
    {
        var (lat, lon) = _factory.PointIn(_factory.HomeTownship(), 3);
        return new()
        {
            ["clientId"] = clientId ?? Guid.NewGuid().ToString("N"),
            ["category"] = "ZDJY",
            ["description"] = "菜场东门有流动摊贩占道经营",
            ["lat"] = lat,
            ["lon"] = lon,
        };
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, object body) =>
        await client.PostAsJsonAsync("/api/v1/incidents", body, Ct);

    [Fact]
    public async Task Grid_captain_report_is_201_located_to_grid_township_and_district()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        var township = _factory.HomeTownship();
        var grid = _factory.Tree().ChildrenOf(township.Code)[3];

        var response = await PostAsync(client, ValidBody());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(grid.Code, body.GetProperty("gridCode").GetString());
        Assert.Equal(township.Code, body.GetProperty("townshipCode").GetString());
        Assert.Equal(township.ParentCode, body.GetProperty("districtCode").GetString());
        Assert.Equal("Reported", body.GetProperty("status").GetString());
        Assert.Matches(@"^SJ20261123-\d{6}$", body.GetProperty("code").GetString());
        Assert.Equal(_factory.Time.GetUtcNow(), body.GetProperty("reportedAt").GetDateTimeOffset());
        Assert.Equal($"/api/v1/incidents/{body.GetProperty("id").GetInt64()}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Same_client_id_again_is_200_with_the_same_incident()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        var body = ValidBody();

        var first = await PostAsync(client, body);
        var second = await PostAsync(client, body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("id").GetInt64(), (await second.ReadJsonAsync()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Concurrent_retries_of_one_report_create_exactly_one_incident_and_one_event()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var body = ValidBody();
        var incidentsBefore = await _factory.CountAsync("incidents");
        var eventsBefore = await _factory.CountAsync("incident_events");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PostAsync(client, body)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).GetProperty("id").GetInt64()));
        Assert.Single(ids.Distinct());
        Assert.Equal(incidentsBefore + 1, await _factory.CountAsync("incidents"));
        Assert.Equal(eventsBefore + 1, await _factory.CountAsync("incident_events"));
    }

    [Fact]
    public async Task Report_with_a_photo_stores_it_and_the_detail_links_it()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        var body = ValidBody();
        body["photos"] = new[] { new { contentType = "image/jpeg", fileName = "scene.jpg", data = Convert.ToBase64String(Jpeg) } };

        var created = await (await PostAsync(client, body)).ReadJsonAsync();
        var detail = await (await client.GetAsync($"/api/v1/incidents/{created.GetProperty("id").GetInt64()}", Ct)).ReadJsonAsync();

        var photo = detail.GetProperty("photos")[0];
        Assert.Equal("image/jpeg", photo.GetProperty("contentType").GetString());
        var bytes = await client.GetByteArrayAsync(photo.GetProperty("url").GetString(), Ct);
        Assert.Equal(Jpeg, bytes);
        var events = detail.GetProperty("events");
        Assert.Equal(1, events.GetArrayLength());
        Assert.Equal("Reported", events[0].GetProperty("type").GetString());
        Assert.Equal(DemoUsers.GridCaptain, events[0].GetProperty("actor").GetString());
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"category":"ZDJY","description":"x","lat":29.9,"lon":121.6}""", "clientId" },
        { """{"clientId":"has space","category":"ZDJY","description":"x","lat":29.9,"lon":121.6}""", "clientId" },
        { """{"clientId":"a","description":"x","lat":29.9,"lon":121.6}""", "category" },
        { """{"clientId":"a","category":"NOPE","description":"x","lat":{LAT},"lon":{LON}}""", "category" },
        { """{"clientId":"a","category":"ZDJY","lat":29.9,"lon":121.6}""", "description" },
        { """{"clientId":"a","category":"ZDJY","description":"   ","lat":29.9,"lon":121.6}""", "description" },
        { """{"clientId":"a","category":"ZDJY","description":"{LONG}","lat":29.9,"lon":121.6}""", "description" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lon":121.6}""", "lat" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":"29.9","lon":121.6}""", "lat" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":95,"lon":121.6}""", "lat" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":-181}""", "lon" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":39.9,"lon":116.4}""", "lat" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":39.9,"lon":116.4}""", "lon" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"occurredAt":"yesterday"}""", "occurredAt" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"occurredAt":"2030-01-01T00:00:00Z"}""", "occurredAt" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"photos":{}}""", "photos" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"photos":[{"contentType":"application/pdf","data":"JVBERi0x"}]}""", "photos[0]" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"photos":[{"contentType":"image/png","data":"/9j/4AAQ"}]}""", "photos[0]" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"photos":[{"contentType":"image/jpeg","data":"not base64!"}]}""", "photos[0]" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"photos":[{"contentType":"image/jpeg"}]}""", "photos[0].data" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"photos":[1,2,3,4,5,6]}""", "photos" },
        { """{"clientId":"a","category":"ZDJY","description":"x","lat":29.9,"lon":121.6,"photos":[{"contentType":"image/jpeg","data":"{HUGE}"}]}""", "photos[0]" },
        { """[1,2]""", "body" },
        { """{"clientId": """, "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_400_problem_json_naming_the_field_and_writes_nothing(string json, string field)
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (lat, lon) = _factory.PointIn(_factory.HomeTownship());
        json = json
            .Replace("{LAT}", lat.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{LON}", lon.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{LONG}", new string('长', 501), StringComparison.Ordinal)
            .Replace("{HUGE}", Convert.ToBase64String(new byte[(5 * 1024 * 1024) + 1]), StringComparison.Ordinal);
        var before = await _factory.CountAsync("incidents");
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/v1/incidents", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors name '{field}': {errors}");
        Assert.Equal(before, await _factory.CountAsync("incidents"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_problem_json()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        using var content = new StringContent("clientId=a", System.Text.Encoding.UTF8, "text/plain");

        var response = await client.PostAsync("/api/v1/incidents", content, Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Anonymous_is_401_and_an_officer_is_403()
    {
        using var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(anonymous, ValidBody())).StatusCode);

        using var officer = await _factory.CreateBearerClientAsync(DemoUsers.Officer);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(officer, ValidBody())).StatusCode);
    }

    [Fact]
    public async Task A_point_in_another_township_is_403_for_a_township_operator()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var body = ValidBody();
        (body["lat"], body["lon"]) = _factory.PointIn(_factory.ForeignTownship());
        var before = await _factory.CountAsync("incidents");

        var response = await PostAsync(client, body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await _factory.CountAsync("incidents"));
    }

    [Fact]
    public async Task The_city_operator_may_report_anywhere_in_the_city()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var body = ValidBody();
        (body["lat"], body["lon"]) = _factory.PointIn(_factory.ForeignTownship(), 2);

        var response = await PostAsync(client, body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(_factory.ForeignTownship().Code, (await response.ReadJsonAsync()).GetProperty("townshipCode").GetString());
    }

    [Fact]
    public async Task Incident_of_another_scope_is_403_and_unknown_is_404()
    {
        using var city = await _factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var body = ValidBody();
        (body["lat"], body["lon"]) = _factory.PointIn(_factory.ForeignTownship(), 1);
        var id = (await (await PostAsync(city, body)).ReadJsonAsync()).GetProperty("id").GetInt64();

        using var township = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        Assert.Equal(HttpStatusCode.Forbidden, (await township.GetAsync($"/api/v1/incidents/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/v1/incidents/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await city.GetAsync("/api/v1/incidents/987654321", Ct)).StatusCode);
    }

    [Fact]
    public async Task Listing_is_scoped_and_filters_are_validated()
    {
        using var township = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        await PostAsync(township, ValidBody());

        var list = await (await township.GetAsync("/api/v1/incidents?status=Reported", Ct)).ReadJsonAsync();
        Assert.True(list.GetArrayLength() > 0);
        Assert.All(list.EnumerateArray(), i => Assert.Equal(_factory.HomeTownship().Code, i.GetProperty("townshipCode").GetString()));

        var foreign = await township.GetAsync($"/api/v1/incidents?scope={_factory.ForeignTownship().Code}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);

        var bad = await township.GetAsync("/api/v1/incidents?status=Sleeping&limit=0", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("status", out _));
        Assert.True(errors.TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task Categories_are_listed_and_only_an_admin_may_edit_them()
    {
        using var captain = await _factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        var list = await (await captain.GetAsync("/api/v1/categories", Ct)).ReadJsonAsync();
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("code").GetString() == "ZDJY" && c.GetProperty("name").GetString() == "占道经营");

        var edit = new { name = "违规户外广告", nameEn = "Illegal outdoor advertising", active = true };
        Assert.Equal(HttpStatusCode.Forbidden, (await captain.PutAsJsonAsync("/api/v1/categories/WGGG", edit, Ct)).StatusCode);

        using var admin = await _factory.CreateBearerClientAsync(DemoUsers.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/categories/WGGG", edit, Ct)).StatusCode);
        var bad = await admin.PutAsJsonAsync("/api/v1/categories/WGGG", new { name = "" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.ReadJsonAsync()).GetProperty("errors").TryGetProperty("name", out _));
    }
}
