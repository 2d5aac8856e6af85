namespace Dashboard.Core.Incidents;

public enum IncidentStatus
{
    Reported = 0,
    Contacted = 1,
    Dispatched = 2,
    Accepted = 3,
    OnScene = 4,
    Resolved = 5,
    Closed = 6,
    Cancelled = 7,
}

/// <summary>
/// A reported issue. TownshipCode/DistrictCode locate it; OwnerCode is the tier node whose queue holds it
/// (the township at first, a parent after escalation). LastSeq is the sequence number of its latest event.
/// </summary>
public sealed record Incident(
    long Id,
    string Code,
    string ClientId,
    string CategoryCode,
    string Description,
    double Latitude,
    double Longitude,
    string? GridCode,
    string TownshipCode,
    string DistrictCode,
    string OwnerCode,
    IncidentStatus Status,
    DateTimeOffset ReportedAt,
    DateTimeOffset? OccurredAt,
    long ReportedBy,
    string ReporterName,
    int PhotoCount,
    long LastSeq)
{
    public bool IsOpen => Status is not (IncidentStatus.Closed or IncidentStatus.Cancelled);
}

/// <summary>One entry of the append-only incident log; Seq is global and strictly increasing.</summary>
public sealed record IncidentEvent(long Seq, long IncidentId, string Type, string Actor, DateTimeOffset At, string? Payload);

public static class IncidentEventTypes
{
    public const string Reported = "Reported";
    public const string Contacted = "Contacted";
    public const string Dispatched = "Dispatched";
    public const string Accepted = "Accepted";
    public const string OnScene = "OnScene";
    public const string Resolved = "Resolved";
    public const string Closed = "Closed";
    public const string Reopened = "Reopened";
    public const string Escalated = "Escalated";
    public const string Cancelled = "Cancelled";
}
