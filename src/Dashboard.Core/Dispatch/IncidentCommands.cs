using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;

namespace Dashboard.Core.Dispatch;

/// <summary>An incident with its current task (the active one, else the latest one, else null), as read in the writing transaction.</summary>
public sealed record IncidentState(Incident Incident, DispatchTask? Task);

/// <summary>Something a person (or the system) does to an incident. Every accepted command appends at least one event.</summary>
public abstract record IncidentCommand;

/// <summary>"联络": the operator has contacted the reporter / grid; stops the contact clock. Idempotent-ish: a second contact is refused.</summary>
public sealed record ContactCommand(string? Note = null) : IncidentCommand;

/// <summary>
/// Sends a task to <paramref name="Assignee"/>. <paramref name="Pick"/> describes the recommendation used (rank 1 = the top one);
/// picking someone other than the top recommendation is an override and may carry a <paramref name="Reason"/>.
/// Counts as contact when none was recorded.
/// </summary>
public sealed record DispatchCommand(Assignee Assignee, RecommendationPick? Pick = null, string? Reason = null) : IncidentCommand;

/// <summary>Cancels the active task (reason "reassigned: …") and dispatches a new one; the arrival clock keeps running from the first dispatch.</summary>
public sealed record ReassignCommand(Assignee Assignee, string Reason) : IncidentCommand;

/// <summary>Cancels the active task; the incident goes back to Contacted, awaiting a new dispatch.</summary>
public sealed record CancelTaskCommand(string Reason) : IncidentCommand;

public sealed record AcceptCommand(long TaskId) : IncidentCommand;

/// <summary>
/// Arrival on scene. Auto = stamped by the geofence. DistanceMeters is the assignee's distance from the incident when known;
/// a manual arrival farther than GeofenceMeters is allowed but flagged.
/// </summary>
public sealed record ArriveCommand(long TaskId, bool Auto, double? DistanceMeters, double GeofenceMeters) : IncidentCommand;

public sealed record ResolveCommand(long TaskId, string Note, int PhotoCount = 0) : IncidentCommand;

/// <summary>Operator closes after review (from Resolved).</summary>
public sealed record CloseCommand(string? Note = null) : IncidentCommand;

/// <summary>Reopens a Resolved or Closed incident; it goes back to Contacted for a new dispatch.</summary>
public sealed record ReopenCommand(string Reason) : IncidentCommand;

/// <summary>Cancels the incident (and its active task).</summary>
public sealed record CancelIncidentCommand(string Reason) : IncidentCommand;

/// <summary>Moves the incident to <paramref name="ToOwnerCode"/> (the parent tier's queue). Manual when Clock is null.</summary>
public sealed record EscalateCommand(string ToOwnerCode, string Reason, ClockKind? Clock = null) : IncidentCommand;

/// <summary>Pauses the running clock (e.g. "waiting for the reporter"); any later action on the incident resumes it.</summary>
public sealed record PauseCommand(string Reason) : IncidentCommand;

public sealed record ResumeCommand : IncidentCommand;

/// <summary>
/// System: the clock passed its target (for the Ordinal-th time). Appends SlaBreached and, when ParentOwnerCode is not null,
/// Escalated to that node.
/// </summary>
public sealed record BreachCommand(ClockKind Clock, int Ordinal, string? ParentOwnerCode) : IncidentCommand;

/// <summary>Which recommendation a dispatch used, for the log ("3.2 km, ~6 min").</summary>
public sealed record RecommendationPick(int Rank, double? DistanceMeters, TimeSpan? Eta, bool Stale);

/// <summary>
/// An event to append: Type from <see cref="IncidentEventTypes"/>, Payload serialised as JSON (camelCase) by the store.
/// TaskIndex points into <see cref="Decision.Tasks"/>: the store records that task's id (known only after insert) on the event.
/// </summary>
public sealed record PendingEvent(string Type, object? Payload, int? TaskIndex = null);

public enum RejectionKind
{
    /// <summary>The command does not fit the incident's state (already dispatched, already closed…): HTTP 409.</summary>
    Conflict,

    /// <summary>The command itself is wrong (empty reason, task of another incident…): HTTP 400.</summary>
    Invalid,
}

/// <summary>Why a command was refused. Field names the bad input field, when there is one.</summary>
public sealed record Rejection(RejectionKind Kind, string Message, string? Field = null);

/// <summary>
/// The outcome of a command: either a change to store — the incident's new row, the tasks to insert (Id 0) or update, and
/// the events to append in order — or a rejection. When the incident's TaskId is 0 it refers to the task inserted by this
/// decision (the last task with Id 0); the store replaces it with the new id. The store sets LastSeq.
/// </summary>
public sealed record Decision(Incident? Incident, IReadOnlyList<DispatchTask> Tasks, IReadOnlyList<PendingEvent> Events, Rejection? Rejection)
{
    public bool IsAccepted => Rejection is null;

    public static Decision Reject(RejectionKind kind, string message, string? field = null) => new(null, [], [], new Rejection(kind, message, field));

    public static Decision Accept(Incident incident, IReadOnlyList<DispatchTask> tasks, params PendingEvent[] events) => new(incident, tasks, events, null);
}
