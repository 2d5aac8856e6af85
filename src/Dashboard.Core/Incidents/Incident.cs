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

    /// <summary>Contact target fixed at report time from the SLA policy (tier and category), seconds.</summary>
    public int ContactTargetSeconds { get; init; } = 60;

    /// <summary>Arrival target fixed at report time from the SLA policy (tier and category), seconds.</summary>
    public int ArrivalTargetSeconds { get; init; } = 300;

    /// <summary>First operator contact (联络, or the first dispatch): stops the contact clock.</summary>
    public DateTimeOffset? ContactedAt { get; init; }

    /// <summary>First dispatch: starts the arrival clock (a reassignment does not restart it).</summary>
    public DateTimeOffset? DispatchedAt { get; init; }

    /// <summary>First arrival on scene: stops the arrival clock.</summary>
    public DateTimeOffset? OnSceneAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Set while the running clock is paused.</summary>
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>Paused time already excluded from the contact clock (completed pauses only).</summary>
    public TimeSpan ContactPaused { get; init; }

    /// <summary>Paused time already excluded from the arrival clock (completed pauses only).</summary>
    public TimeSpan ArrivalPaused { get; init; }

    /// <summary>How many times each clock has been recorded as breached (one per multiple of its target).</summary>
    public int ContactBreaches { get; init; }

    public int ArrivalBreaches { get; init; }

    /// <summary>How many tiers the incident has been escalated (0 = still in its township's queue).</summary>
    public int Escalations { get; init; }

    /// <summary>The current (active or latest) task and its assignee, for queue rows and dispatch lines.</summary>
    public long? TaskId { get; init; }

    public int? AssigneeOfficerId { get; init; }

    public string? AssigneeName { get; init; }
}

/// <summary>One entry of the append-only incident log; Seq is global and strictly increasing.</summary>
public sealed record IncidentEvent(long Seq, long IncidentId, string Type, string Actor, DateTimeOffset At, string? Payload)
{
    /// <summary>The dispatch task this event concerns, if any.</summary>
    public long? TaskId { get; init; }
}

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
    public const string Reassigned = "Reassigned";
    public const string TaskCancelled = "TaskCancelled";
    public const string SlaBreached = "SlaBreached";
    public const string Paused = "Paused";
    public const string Resumed = "Resumed";
}
