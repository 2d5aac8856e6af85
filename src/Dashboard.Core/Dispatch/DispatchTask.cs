namespace Dashboard.Core.Dispatch;

/// <summary>Task lifecycle: Dispatched → Accepted → OnScene → Resolved → Closed; Cancelled ends it early (reassign, cancel).</summary>
public enum DispatchTaskStatus
{
    Dispatched = 0,
    Accepted = 1,
    OnScene = 2,
    Resolved = 3,
    Closed = 4,
    Cancelled = 5,
}

public enum AssigneeKind
{
    Officer = 0,
    GridCaptain = 1,
}

/// <summary>Who a task goes to: an officer (OfficerId) or the grid's captain (CaptainCode). Name is kept for the log.</summary>
public sealed record Assignee(AssigneeKind Kind, int? OfficerId, string? CaptainCode, string Name)
{
    public static Assignee ForOfficer(int officerId, string name) => new(AssigneeKind.Officer, officerId, null, name);

    public static Assignee ForCaptain(string captainCode, string name) => new(AssigneeKind.GridCaptain, null, captainCode, name);

    public bool SameAs(Assignee other) =>
        other is not null && other.Kind == Kind && other.OfficerId == OfficerId && string.Equals(other.CaptainCode, CaptainCode, StringComparison.Ordinal);
}

/// <summary>
/// One dispatch of an incident to one assignee. Id 0 means "not stored yet". At most one task per incident is active
/// (Dispatched, Accepted or OnScene); a reassignment cancels the old task and creates a new one.
/// </summary>
public sealed record DispatchTask(
    long Id,
    long IncidentId,
    Assignee Assignee,
    DispatchTaskStatus Status,
    DateTimeOffset DispatchedAt,
    string DispatchedBy)
{
    public DateTimeOffset? AcceptedAt { get; init; }

    public DateTimeOffset? ArrivedAt { get; init; }

    /// <summary>Arrival was stamped by the geofence, not by the officer's button.</summary>
    public bool ArrivalAuto { get; init; }

    /// <summary>Distance from the incident when arrival was stamped, when a position was known.</summary>
    public double? ArrivalDistanceMeters { get; init; }

    /// <summary>Manual arrival outside the geofence (allowed, but flagged for review).</summary>
    public bool ArrivalFlagged { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? ResolutionNote { get; init; }

    /// <summary>When the task reached Closed or Cancelled.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it was cancelled (or "reassigned").</summary>
    public string? EndReason { get; init; }

    public bool IsActive => Status is DispatchTaskStatus.Dispatched or DispatchTaskStatus.Accepted or DispatchTaskStatus.OnScene;
}
