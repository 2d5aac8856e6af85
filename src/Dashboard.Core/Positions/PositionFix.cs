namespace Dashboard.Core.Positions;

/// <summary>One GPS fix of an officer's device. WGS-84 degrees; speed m/s; heading degrees from north; accuracy metres.</summary>
public sealed record PositionFix(
    int OfficerId,
    double Latitude,
    double Longitude,
    DateTimeOffset At,
    double? Speed = null,
    double? Heading = null,
    double? Accuracy = null);
