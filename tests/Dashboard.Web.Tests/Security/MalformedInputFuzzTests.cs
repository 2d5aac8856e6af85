using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.Data;
using Dashboard.Data.Positions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Security;

/// <summary>
/// Over 10,000 generated malformed bodies and query strings (seeded, so a failure replays) against intake, positions and OsmAnd:
/// no answer is a server error, every refusal is problem+json, and the rows written are exactly those of the accepted requests.
/// </summary>
public sealed class MalformedInputFuzzTests : IClassFixture<DashboardAppFactory>
{
    private const int Seed = 20261201;
    private readonly DashboardAppFactory _factory;

    public MalformedInputFuzzTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> CountAsync(string table)
    {
        var db = _factory.Services.GetRequiredService<DbConnectionFactory>();
        await using var connection = table == "officer_tracks" ? await db.OpenTracksAsync() : await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    private static readonly string[] Garbage =
    [
        "", " ", "{", "}", "[", "]", "null", "true", "0", "-1", "\"text\"", "{\"a\":", "[1,2", "{}}", "\u0000", "\uFFFF",
        "{\"lat\": NaN}", "{\"lat\": Infinity}", "1e400", "-1e400", "0x10", "{'single': 'quotes'}", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
        "{\"lat\": 29.9, \"lat\": 30.1}", "\"\\ud800\"", "{\"a\": \"\\u0000\"}", new string('[', 200) + new string(']', 200),
    ];

    private static object?[] BadValues(Random random) =>
    [
        null, "", " ", "abc", "29.95abc", -1, 0, 1e308, -1e308, 91, -91, 181, -181, long.MaxValue, true, new object[] { 1, 2 },
        new { nested = "object" }, new string('长', 5000), "2026-13-45T99:99:99Z", "1/2/2026", double.Epsilon,
        "\u202Eevil", "<script>alert(1)</script>", "'; DROP TABLE incidents; --", random.Next(),
    ];

    private static string Mutate(Random random, Dictionary<string, object?> valid)
    {
        var body = new Dictionary<string, object?>(valid);
        var keys = body.Keys.ToList();
        var bad = BadValues(random);
        switch (random.Next(6))
        {
            case 0:
                body.Remove(keys[random.Next(keys.Count)]);
                break;
            case 1:
                body[keys[random.Next(keys.Count)]] = bad[random.Next(bad.Length)];
                break;
            case 2:
                body[keys[random.Next(keys.Count)]] = bad[random.Next(bad.Length)];
                body[keys[random.Next(keys.Count)]] = bad[random.Next(bad.Length)];
                break;
            case 3:
                body["unexpected" + random.Next(3)] = bad[random.Next(bad.Length)];
                body[keys[random.Next(keys.Count)]] = bad[random.Next(bad.Length)];
                break;
            case 4:
                return Garbage[random.Next(Garbage.Length)];
            default:
                var text = JsonSerializer.Serialize(body);
                return text[..random.Next(text.Length)];
        }

        return JsonSerializer.Serialize(body);
    }

    private static async Task<(int Status, string Body)> SendAsync(HttpClient client, HttpMethod method, string url, string? body)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"{method} {url} → {(int)response.StatusCode} without problem+json: {text[..Math.Min(200, text.Length)]}");
        }

        return ((int)response.StatusCode, text);
    }

    [Fact]
    public async Task Four_thousand_malformed_reports_never_fail_the_server_and_store_only_what_was_accepted()
    {
        var random = new Random(Seed);
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var (lat, lon) = _factory.PointIn(_factory.HomeTownship());
        var before = await CountAsync("incidents");
        var eventsBefore = await CountAsync("incident_events");
        var created = 0;
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 4000; i++)
        {
            var valid = new Dictionary<string, object?>
            {
                ["clientId"] = $"fuzz-{i}",
                ["category"] = "ZDJY",
                ["description"] = "占道经营",
                ["lat"] = lat,
                ["lon"] = lon,
                ["occurredAt"] = _factory.Time.GetUtcNow().AddMinutes(-5),
                ["photos"] = new[] { new { contentType = "image/jpeg", data = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46]) } },
            };
            var (status, _) = await SendAsync(client, HttpMethod.Post, "/api/v1/incidents", Mutate(random, valid));
            Assert.True(status < 500, $"report #{i} → {status}");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            created += status == 201 ? 1 : 0;
        }

        Assert.Equal(before + created, await CountAsync("incidents"));
        Assert.Equal(eventsBefore + created, await CountAsync("incident_events"));
        Assert.True(statuses.GetValueOrDefault(400) > 3000, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
    }

    [Fact]
    public async Task Three_thousand_malformed_position_batches_never_fail_the_server_and_store_only_accepted_fixes()
    {
        var random = new Random(Seed + 1);
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.Admin);
        var officers = _factory.OfficersOf(_factory.HomeTownship());
        var (lat, lon) = _factory.PointIn(_factory.HomeTownship());
        var writer = _factory.Services.GetRequiredService<PositionWriter>();
        await writer.FlushAsync(Ct);
        var before = await CountAsync("officer_tracks");
        long accepted = 0;
        for (var i = 0; i < 3000; i++)
        {
            var count = random.Next(1, 4);
            var items = Enumerable.Range(0, count).Select(k => new Dictionary<string, object?>
            {
                ["officerId"] = officers[random.Next(officers.Count)].Id,
                ["lat"] = lat + random.NextDouble() * 0.01,
                ["lon"] = lon + random.NextDouble() * 0.01,
                ["at"] = _factory.Time.GetUtcNow().AddSeconds(-random.Next(600)),
                ["accuracy"] = 5,
            }).ToList();
            string body;
            if (random.Next(10) == 0)
            {
                body = Garbage[random.Next(Garbage.Length)];
            }
            else
            {
                var victim = random.Next(items.Count);
                var mutated = Mutate(random, items[victim]);
                body = "[" + string.Join(",", items.Select((item, k) => k == victim ? mutated : JsonSerializer.Serialize(item))) + "]";
            }

            var (status, text) = await SendAsync(client, HttpMethod.Post, "/api/v1/positions", body);
            Assert.True(status < 500 || status == 503, $"batch #{i} → {status}");
            if (status == 202)
            {
                accepted += JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32();
            }
        }

        await writer.FlushAsync(Ct);
        Assert.Equal(before + accepted, await CountAsync("officer_tracks"));
    }

    private static readonly string[] Names = ["id", "lat", "lon", "timestamp", "speed", "bearing", "accuracy"];

    [Fact]
    public async Task Three_thousand_malformed_osmand_queries_never_fail_the_server_and_store_only_accepted_fixes()
    {
        var random = new Random(Seed + 2);
        using var client = _factory.CreateClient();
        var device = _factory.OfficersOf(_factory.HomeTownship()).First(o => o.DeviceId is not null).DeviceId!;
        var (lat, lon) = _factory.PointIn(_factory.HomeTownship());
        var writer = _factory.Services.GetRequiredService<PositionWriter>();
        await writer.FlushAsync(Ct);
        var before = await CountAsync("officer_tracks");
        var stored = 0;
        string[] junk = ["", "abc", "NaN", "Infinity", "-0", "1e999", "%00", "%ZZ", "９０", "29,95", "0x1F", "--1", new string('9', 400), "🙂", "null", "true"];
        for (var i = 0; i < 3000; i++)
        {
            var query = new List<string>
            {
                "id=" + Uri.EscapeDataString(random.Next(8) == 0 ? "no-such-device" : device),
                "lat=" + (lat + random.NextDouble() * 0.01).ToString(CultureInfo.InvariantCulture),
                "lon=" + (lon + random.NextDouble() * 0.01).ToString(CultureInfo.InvariantCulture),
                "timestamp=" + _factory.Time.GetUtcNow().AddSeconds(-random.Next(600)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                "speed=" + random.Next(20).ToString(CultureInfo.InvariantCulture),
                "bearing=" + random.Next(360).ToString(CultureInfo.InvariantCulture),
                "accuracy=5",
            };
            for (var m = random.Next(1, 3); m > 0; m--)
            {
                var k = random.Next(query.Count);
                var name = Names[k];
                query[k] = random.Next(4) switch
                {
                    0 => name + "=" + Uri.EscapeDataString(junk[random.Next(junk.Length)]).Replace("%25", "%", StringComparison.Ordinal),
                    1 => name,
                    2 => query[k] + "&" + name + "=" + junk[random.Next(junk.Length)],
                    _ => "",
                };
            }

            var url = "/api/v1/osmand?" + string.Join("&", query.Where(q => q.Length > 0));
            var (status, _) = await SendAsync(client, random.Next(2) == 0 ? HttpMethod.Get : HttpMethod.Post, url, null);
            Assert.True(status < 500 || status == 503, $"query #{i} {url} → {status}");
            stored += status == 200 ? 1 : 0;
        }

        await writer.FlushAsync(Ct);
        var rows = await CountAsync("officer_tracks") - before;
        // An accepted fix may still be dropped by the noise filter (a duplicate of the last one), never the other way round.
        Assert.InRange(rows, 0, stored);
        Assert.True(stored > 100, $"{stored} accepted");
    }
}
