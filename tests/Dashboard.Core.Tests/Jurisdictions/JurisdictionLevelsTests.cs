using Dashboard.Core.Jurisdictions;

namespace Dashboard.Core.Tests.Jurisdictions;

public sealed class JurisdictionLevelsTests
{
    [Theory]
    [InlineData("City", JurisdictionLevel.City)]
    [InlineData(" city ", JurisdictionLevel.City)]
    [InlineData("0", JurisdictionLevel.City)]
    [InlineData("市", JurisdictionLevel.City)]
    [InlineData("DISTRICT", JurisdictionLevel.District)]
    [InlineData("county", JurisdictionLevel.District)]
    [InlineData("1", JurisdictionLevel.District)]
    [InlineData("区", JurisdictionLevel.District)]
    [InlineData("县", JurisdictionLevel.District)]
    [InlineData("区/县", JurisdictionLevel.District)]
    [InlineData("Township", JurisdictionLevel.Township)]
    [InlineData("street", JurisdictionLevel.Township)]
    [InlineData("2", JurisdictionLevel.Township)]
    [InlineData("镇", JurisdictionLevel.Township)]
    [InlineData("街道", JurisdictionLevel.Township)]
    [InlineData("乡", JurisdictionLevel.Township)]
    [InlineData("grid", JurisdictionLevel.Grid)]
    [InlineData("3", JurisdictionLevel.Grid)]
    [InlineData("网格", JurisdictionLevel.Grid)]
    public void TryParse_accepts_English_numeric_and_Chinese_forms(string text, JurisdictionLevel expected)
    {
        Assert.True(JurisdictionLevels.TryParse(text, out var level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("4")]
    [InlineData("-1")]
    [InlineData("省")]
    [InlineData("village")]
    [InlineData("citys")]
    public void TryParse_rejects_junk(string? text)
    {
        Assert.False(JurisdictionLevels.TryParse(text, out var level));
        Assert.Equal(default, level);
    }

    [Fact]
    public void Chinese_names_round_trip_through_TryParse()
    {
        Assert.All(Enum.GetValues<JurisdictionLevel>(), level =>
        {
            Assert.True(JurisdictionLevels.TryParse(level.ChineseName(), out var parsed));
            Assert.Equal(level, parsed);
        });
    }
}
