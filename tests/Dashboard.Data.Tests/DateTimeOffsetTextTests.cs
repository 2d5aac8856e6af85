using System.Globalization;

namespace Dashboard.Data.Tests;

public sealed class DateTimeOffsetTextTests
{
    public static TheoryData<string> Instants() => new(
        "2025-06-01T08:00:00.0000000+00:00",
        "2025-12-31T23:59:59.9999999+08:00",
        "0987-01-02T03:04:05.0600070-05:30",
        "9999-12-31T23:59:59.9999999+00:00",
        "0001-01-01T00:00:00.0000000+00:00");

    [Theory]
    [MemberData(nameof(Instants))]
    public void The_fast_text_of_an_instant_is_the_stored_ISO_format_in_UTC(string instant)
    {
        var value = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        Assert.Equal(value.UtcDateTime.ToString(DateTimeOffsetTypeHandler.Format, CultureInfo.InvariantCulture), DateTimeOffsetTypeHandler.ToText(value));
    }
}
