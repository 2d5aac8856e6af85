namespace Dashboard.Core.Officers;

public enum OfficerStatus
{
    Available = 0,
    Dispatched = 1,
    EnRoute = 2,
    OnScene = 3,
    Offline = 4,
}

public enum TravelMode
{
    EBike = 0,
    Car = 1,
    Foot = 2,
}

/// <summary>A law-enforcement team (执法中队) belonging to a township.</summary>
public sealed record Team(string Code, string Name, string TownshipCode);

/// <summary>An enforcement officer (执法队员). Skills are enforcement-category codes; DeviceId links a GPS client.</summary>
public sealed record Officer(
    int Id,
    string Code,
    string Name,
    string TeamCode,
    string TownshipCode,
    TravelMode Mode,
    IReadOnlyList<string> Skills,
    string? DeviceId,
    string Phone);

/// <summary>A grid captain (网格长): reports issues from one grid.</summary>
public sealed record GridCaptain(string Code, string Name, string GridCode, string Phone);

/// <summary>The command centre (指挥中心) of one tier node: city, district or township.</summary>
public sealed record CommandCentre(string Code, string Name, string JurisdictionCode, double Latitude, double Longitude);
