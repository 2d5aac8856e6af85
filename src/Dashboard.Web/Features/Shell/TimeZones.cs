namespace Dashboard.Web.Features.Shell;

public static class TimeZones
{
    /// <summary>Finds an IANA zone; falls back to fixed UTC+8 where the host lacks tz data, since command rooms run on Beijing time.</summary>
    public static TimeZoneInfo Find(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(8), id, id);
        }
    }
}
