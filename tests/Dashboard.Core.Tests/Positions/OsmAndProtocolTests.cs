using Dashboard.Core.Positions;

namespace Dashboard.Core.Tests.Positions;

public sealed class OsmAndProtocolTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 1, 30, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Query(string queryString) =>
        queryString.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => (string?)(p.Length > 1 ? Uri.UnescapeDataString(p[1]) : ""));

    private static (OsmAndFix? Fix, Dictionary<string, string[]> Errors) Parse(string queryString)
    {
        var errors = new Dictionary<string, string[]>();
        return (OsmAndProtocol.Parse(Query(queryString), Now, errors), errors);
    }

    [Fact]
    public void Traccar_client_query_string_is_parsed_with_speed_in_knots_and_unix_seconds()
    {
        // As Traccar Client for Android sends it.
        var (fix, errors) = Parse("?id=dev-zf00001&timestamp=1795397390&lat=29.951234&lon=121.601234&speed=9.719&bearing=87.5&altitude=12.0&accuracy=8.0&batt=76.0");

        Assert.Empty(errors);
        Assert.Equal("dev-zf00001", fix!.DeviceId);
        Assert.Equal(29.951234, fix.Latitude);
        Assert.Equal(121.601234, fix.Longitude);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795397390), fix.At);
        Assert.Equal(5.0, fix.Speed!.Value, 2);
        Assert.Equal(87.5, fix.Heading);
        Assert.Equal(8.0, fix.Accuracy);
    }

    [Fact]
    public void OsmAnd_query_with_millisecond_timestamp_and_hdop_is_parsed()
    {
        // OsmAnd's online tracking template: lat={0}&lon={1}&timestamp={2}&hdop={3}&altitude={4}&speed={5}
        var (fix, errors) = Parse("id=dev-zf00002&lat=29.9&lon=121.6&timestamp=1795397390123&hdop=12.5&altitude=3&speed=0");

        Assert.Empty(errors);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795397390123), fix!.At);
        Assert.Equal(12.5, fix.Accuracy);
        Assert.Equal(0, fix.Speed);
    }

    [Fact]
    public void Location_parameter_deviceid_alias_and_iso_timestamp_are_accepted()
    {
        var (fix, errors) = Parse("deviceid=abc&location=29.9%2C121.6&timestamp=2026-11-23T09:29:00%2B08:00&heading=10");

        Assert.Empty(errors);
        Assert.Equal("abc", fix!.DeviceId);
        Assert.Equal((29.9, 121.6), (fix.Latitude, fix.Longitude));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 1, 29, 0, TimeSpan.Zero), fix.At);
        Assert.Equal(10, fix.Heading);
    }

    [Fact]
    public void Missing_timestamp_means_now()
    {
        var (fix, _) = Parse("id=a&lat=29.9&lon=121.6");

        Assert.Equal(Now, fix!.At);
    }

    [Theory]
    [InlineData("lat=29.9&lon=121.6", "id")]
    [InlineData("id=a&lon=121.6", "lat")]
    [InlineData("id=a&lat=29.9", "lon")]
    [InlineData("id=a&lat=abc&lon=121.6", "lat")]
    [InlineData("id=a&lat=91&lon=121.6", "lat")]
    [InlineData("id=a&lat=29.9&lon=181", "lon")]
    [InlineData("id=a&lat=NaN&lon=121.6", "lat")]
    [InlineData("id=a&location=29.9", "location")]
    [InlineData("id=a&lat=29.9&lon=121.6&timestamp=yesterday", "timestamp")]
    [InlineData("id=a&lat=29.9&lon=121.6&timestamp=4102444800", "timestamp")]
    [InlineData("id=a&lat=29.9&lon=121.6&timestamp=946684800", "timestamp")]
    [InlineData("id=a&lat=29.9&lon=121.6&speed=fast", "speed")]
    [InlineData("id=a&lat=29.9&lon=121.6&speed=500", "speed")]
    [InlineData("id=a&lat=29.9&lon=121.6&bearing=400", "bearing")]
    [InlineData("id=a&lat=29.9&lon=121.6&accuracy=-1", "accuracy")]
    public void Bad_parameters_are_reported_by_name(string query, string field)
    {
        var (fix, errors) = Parse(query);

        Assert.Null(fix);
        Assert.Contains(field, errors.Keys);
    }
}
