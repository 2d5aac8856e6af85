namespace Dashboard.Core.Jurisdictions;

public static class JurisdictionLevels
{
    /// <summary>Parses a level as written in data files: an English name, a number 0-3, or the Chinese term.</summary>
    public static bool TryParse(string? text, out JurisdictionLevel level)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "CITY" or "0" or "市":
                level = JurisdictionLevel.City;
                return true;
            case "DISTRICT" or "COUNTY" or "1" or "区" or "县" or "区/县":
                level = JurisdictionLevel.District;
                return true;
            case "TOWNSHIP" or "STREET" or "TOWN" or "2" or "镇" or "街道" or "镇/街道" or "乡":
                level = JurisdictionLevel.Township;
                return true;
            case "GRID" or "3" or "网格":
                level = JurisdictionLevel.Grid;
                return true;
            default:
                level = default;
                return false;
        }
    }

    public static string ChineseName(this JurisdictionLevel level) => level switch
    {
        JurisdictionLevel.City => "市",
        JurisdictionLevel.District => "区/县",
        JurisdictionLevel.Township => "镇/街道",
        _ => "网格",
    };
}
