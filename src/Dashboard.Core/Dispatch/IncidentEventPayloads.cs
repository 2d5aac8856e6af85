namespace Dashboard.Core.Dispatch;

// Payloads of the events IncidentLifecycle appends; the store serialises them camelCase. Clock and assignee kind are written
// as their names ("Contact", "GridCaptain") so the log reads the same whatever enum converter the store uses.

/// <summary>Contacted: ByDispatch when the first dispatch counted as contact.</summary>
public sealed record ContactedPayload(string? Note, bool ByDispatch);

/// <summary>Dispatched: the assignee and the recommendation used; Override when it was not the top one (or none).</summary>
public sealed record DispatchedPayload(
    string Kind,
    int? OfficerId,
    string? CaptainCode,
    string Name,
    int? Rank,
    double? DistanceMeters,
    int? EtaSeconds,
    bool Stale,
    bool Override,
    string? Reason);

public sealed record ReassignedPayload(string FromName, string ToName, int? OfficerId, string? CaptainCode, string Reason);

/// <summary>TaskCancelled, Reopened and Cancelled.</summary>
public sealed record ReasonPayload(string Reason);

/// <summary>Closed.</summary>
public sealed record NotePayload(string? Note);

public sealed record OnScenePayload(bool Auto, double? DistanceMeters, bool Flagged);

public sealed record ResolvedPayload(string Note, int Photos);

/// <summary>Escalated: Clock is null and Auto false for a manual escalation.</summary>
public sealed record EscalatedPayload(string From, string To, string Reason, string? Clock, bool Auto);

public sealed record PausedPayload(string Reason, string Clock);

/// <summary>Resumed: Auto when a later action ended the pause; Clock and PausedMs say which clock got how much time back.</summary>
public sealed record ResumedPayload(bool Auto, string? Clock, long PausedMs);

public sealed record SlaBreachedPayload(string Clock, int Ordinal, int TargetSeconds, long ElapsedMs);
